# track_process first added by a reload (SIGHUP): the status it starts with, and whether events follow
conf() {
  inst VI_1 va 100
}
act() {
  sleep 4.5
  mark "reload: VI_1 tracks P1 (tpsleep, not running) without weight, VI_2 tracks P2 (tpcat, not running) weight -20"
  { echo "net_namespace $NSA"; tproc P1 "process tpsleep"; tproc P2 "process tpcat";
    inst VI_1 va 100 "track_process {" "  P1" "}";
    inst VI_2 va 100 "track_process {" "  P2 weight -20" "}" | sed 's/virtual_router_id 51/virtual_router_id 52/; s/10.99.1.100/10.99.1.101/'; } > $D/a.conf
  kill -HUP $KPID; sleep 5
  mark "start tpsleep and tpcat"
  $D/tpsleep 3 & $D/tpcat < /dev/zero > /dev/null & C=$!; sleep 4.5
  mark "stop tpcat; tpsleep ended"
  kill $C; sleep 1.5
  mark "reload again (same file)"
  kill -HUP $KPID; sleep 2.5
}
