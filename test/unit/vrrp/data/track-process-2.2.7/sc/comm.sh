# comm change (PROC_EVENT_COMM): tpbash renames itself by writing /proc/self/comm
conf() {
  tproc P1 "process tpbash"
  tproc P2 "process renamed"
  tproc P3 "process $D/tpbash" "full_command"
  inst VI_1 va 100 "track_process {" "  P1 weight -10" "  P2 weight -20" "  P3 weight -40" "}"
}
act() {
  mkfifo $D/f
  sleep 2.5
  mark "start tpbash; renames itself at +1 s, back at +2 s, exits at +3 s"
  $D/tpbash -c "read -t 1 <> $D/f; printf renamed > /proc/\$\$/comm; read -t 1 <> $D/f; printf tpbash > /proc/\$\$/comm; read -t 1 <> $D/f; exit 0" & A=$!; sleep 4
}
