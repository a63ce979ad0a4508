# a tracked process execs the same program again (is it counted twice?)
conf() {
  tproc P1 "process tpbash" "quorum_max 1"
  inst VI_1 va 100 "track_process {" "  P1 weight -10" "}"
}
act() {
  mkfifo $D/f
  sleep 2.5
  mark "start tpbash; re-execs tpbash at +1 s; exits at +2 s"
  $D/tpbash -c "read -t 1 <> $D/f; exec $D/tpbash -c 'read -t 1 <> $D/f; exit 0'" & A=$!; sleep 3
}
