# E4: net_namespace, weighted track_process ($1 = weight, $2 = base priority), peer B at 90
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
setup
cp /bin/sleep $D/tpsleep
{ echo "net_namespace $NSA"; tproc P1 "process tpsleep" "weight $1"; inst VI_1 va $2 "track_process {" "  P1" "}"; } > $D/a.conf
$D/tpsleep 1000 & SP=$!
start_peer
$KA -n -l -D -P -f $D/a.conf > >(tsl > $D/a.log) 2>&1 & echo $! > $D/a.kpid
sleep 5; echo "--- kill tpsleep" | tee -a $D/a.log; kill $SP; wait $SP 2>/dev/null
sleep 5; echo "--- start tpsleep" | tee -a $D/a.log; $D/tpsleep 1000 & SP=$!
sleep 5
kill $SP
kill $(cat $D/a.kpid) $(cat $D/b.kpid); sleep 1.5
echo ==== A; grep -v "gratuitous ARP on" $D/a.log; echo ==== B; grep -v "gratuitous ARP on" $D/b.log
