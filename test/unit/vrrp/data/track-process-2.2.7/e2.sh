# E2: 2.2.7 started inside ip netns exec (no net_namespace), track_process without weight
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
setup
cp /bin/sleep $D/tpsleep
{ tproc P1 "process tpsleep"; inst VI_1 va 100 "track_process {" "  P1" "}"; } > $D/a.conf
$D/tpsleep 1000 & SP=$!
ip netns exec $NSA $KA -n -l -D -P -f $D/a.conf -p $D/a.pid -r $D/a.vpid > >(tsl > $D/a.log) 2>&1 & echo $! > $D/a.kpid
sleep 5; echo "--- kill tpsleep" | tee -a $D/a.log; kill $SP; wait $SP 2>/dev/null
sleep 3; echo "--- start tpsleep" | tee -a $D/a.log; $D/tpsleep 1000 & SP=$!
sleep 3
kill $SP
kill $(cat $D/a.kpid); sleep 1.5
echo ==== A; cat $D/a.log
