# the same process tracked by two instances and by two vrrp_track_process blocks; weight 0 reverse
conf() {
  tproc P1 "process tpsleep"
  tproc P2 "process tpsleep" "weight -30"
  inst VI_1 va 100 "track_process {" "  P1" "  P2" "}"
  inst VI_2 va 100 "virtual_router_id 52" "track_process {" "  P1" "}" | sed 's/virtual_router_id 51//'
  inst VI_3 va 100 "virtual_router_id 53" "track_process {" "  P1 weight 0 reverse" "}" | sed 's/virtual_router_id 51//'
}
act() {
  sleep 4.5
  mark "start tpsleep"; $D/tpsleep 100 & A=$!; sleep 1
  mark "kill"; kill $A; sleep 1.5
}
