# matching: comm truncation, full_command, params exact / initial / partial, param_match with no params
conf() {
  tproc T1 "process tpsleep_very_long_name"
  tproc T2 "process tpsleep_very_lo"
  tproc T3 "process $D/tpsleep_very_long_name" "full_command"
  tproc T4 "process tpsleep 1000"
  tproc T5 "process tpsleep 10" "param_match initial"
  tproc T6 "process tpsleep 10" "param_match partial"
  tproc T7 "process tpcat" "param_match"
  tproc T8 "process tpsleep" "full_command"
  tproc T9 "process tpsleep"
  inst VI_1 va 100 "track_process {" "  T1 weight 1" "  T2 weight 2" "  T3 weight 3" "  T4 weight 4" "  T5 weight 5" "  T6 weight 6" "  T7 weight 7" "  T8 weight 8" "  T9 weight 9" "}"
}
act() {
  sleep 2.5
  mark "start $D/tpsleep_very_long_name 100"; $D/tpsleep_very_long_name 100 & A=$!; sleep 1; kill $A; sleep 1
  mark "start tpsleep 1000 (argv0 tpsleep)"; PATH=$D:$PATH tpsleep 1000 & A=$!; sleep 1; kill $A; sleep 1
  mark "start tpsleep 10 20"; PATH=$D:$PATH tpsleep 10 20 & A=$!; sleep 1; kill $A; sleep 1
  mark "start $D/tpsleep 1000"; $D/tpsleep 1000 & A=$!; sleep 1; kill $A; sleep 1
  mkfifo $D/cf
  mark "start tpcat (no params)"; PATH=$D:$PATH tpcat <> $D/cf & A=$!; sleep 1; kill $A; sleep 1
  mark "start tpcat -u"; PATH=$D:$PATH tpcat -u <> $D/cf & A=$!; sleep 1; kill $A; sleep 1
}
