# terminate_delay 2, fork_delay 1: kill+restart within 2 s; kill for good; fork of a tracked process
conf() { tproc P1 "process tpbash" "terminate_delay 2" "fork_delay 1" "quorum 2"; tproc P2 "process tpsleep" "delay 1.5"; inst VI_1 va 100 "track_process {" "  P1 weight -10" "  P2 weight -20" "}"; }
act() {
  sleep 2.5
  mark "start tpsleep"; $D/tpsleep 100 & S1=$!; sleep 1
  mark "kill tpsleep; restart at +1"; kill $S1; sleep 1; $D/tpsleep 100 & S1=$!; sleep 2.5
  mark "kill tpsleep"; kill $S1; sleep 2.5
  mark "start tpbash (forks a tpbash subshell after 0.5s)"; setsid $D/tpbash -c 'sleep 0.5; (exec -a x /bin/true; ) ; ( trap "exit 0" TERM; while :; do read -t 1 < /dev/zero; done ) & wait' & B=$!; sleep 3
  mark "kill tpbash tree"; kill -- -$B; sleep 3
}
