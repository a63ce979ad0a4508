# E3: started inside ip netns exec NSB with net_namespace NSA
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
setup
cp /bin/sleep $D/tpsleep
{ echo "net_namespace $NSA"; tproc P1 "process tpsleep"; inst VI_1 va 100 "track_process {" "  P1" "}"; } > $D/a.conf
$D/tpsleep 1000 & SP=$!
ip netns exec $NSB $KA -n -l -D -P -f $D/a.conf > >(tsl > $D/a.log) 2>&1 & echo $! > $D/a.kpid
sleep 3
kill $SP
kill $(cat $D/a.kpid); sleep 1.5
echo ==== A; cat $D/a.log
