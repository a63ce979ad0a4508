# E1: 2.2.7 in the initial namespace with net_namespace, track_process without weight
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
setup
cp /bin/sleep $D/tpsleep
{ echo "net_namespace $NSA"; tproc P1 "process tpsleep"; inst VI_1 va 100 "track_process {" "  P1" "}"; } > $D/a.conf
cat $D/a.conf
$D/tpsleep 1000 & SP=$!
start_peer
$KA -n -l -D -P -f $D/a.conf > >(tsl > $D/a.log) 2>&1 & echo $! > $D/a.kpid
sleep 6; echo "--- kill tpsleep" | tee -a $D/a.log; kill $SP; wait $SP 2>/dev/null
sleep 5; echo "--- start tpsleep" | tee -a $D/a.log; $D/tpsleep 1000 & SP=$!
sleep 6; ls -la /run/keepalived/ /run/keepalived/$NSA 2>&1 | tee -a $D/a.log
kill $SP
kill $(cat $D/a.kpid); sleep 1.5
ls -la /run/keepalived/ 2>&1 | tee -a $D/a.log
echo ==== A; cat $D/a.log; echo ==== B; cat $D/b.log
