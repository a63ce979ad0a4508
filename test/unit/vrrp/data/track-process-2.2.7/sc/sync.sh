# sync group track_process (weight 0), with the process present at start, killed, restarted
conf() {
  tproc P1 "process tpsleep"
  inst VI_1 va 100
  inst VI_2 va 100 "virtual_router_id 52" | sed 's/virtual_router_id 51//'
  printf 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  track_process {\n    P1\n  }\n}\n'
}
pre() { $D/tpsleep 100 & S=$!; }
act() {
  sleep 5
  mark "kill"; kill $S; sleep 1.5
  mark "start"; $D/tpsleep 100 & S=$!; sleep 5
  mark "SIGHUP (process running)"; kill -HUP $KPID; sleep 2
  mark "kill"; kill $S; sleep 1
  mark "SIGHUP (process absent)"; kill -HUP $KPID; sleep 2
  mark "start"; $D/tpsleep 100 & S=$!; sleep 1.5
}
