conf() { tproc P1 "process tpsleep" "quorum 2" "quorum_max 3" "weight -10"; inst VI_1 va 100 "track_process {" "  P1" "}"; }
act() {
  sleep 2
  for i in 1 2 3 4; do mark "start $i"; $D/tpsleep 100 & eval P$i=\$!; sleep 1; done
  for i in 4 3 2 1; do mark "kill $i"; eval kill \$P$i; sleep 1; done
}
