# scen.sh sc/NAME.sh: runs 2.2.7 in the initial namespace with net_namespace $NSA on $D/a.conf built by
# the scenario's conf(), then the scenario's act(); prints the log without start-up boilerplate.
source "$(dirname "$0")/lib.sh"
KPID=
cleanup2() { [ -n "$KPID" ] && kill $KPID 2>/dev/null; for p in $(jobs -p); do kill $p 2>/dev/null; done; sleep 1.2; cleanup; }
trap cleanup2 EXIT
setup
for b in sleep cat bash; do cp /bin/$b $D/tp$b; done
cp /bin/sleep $D/tpsleep_very_long_name
mark() { echo "--- $*" | tsl >> $D/a.log; }
source "$1"
{ echo "net_namespace $NSA"; conf; } > $D/a.conf
declare -F pre >/dev/null && pre
$KA -n -l -D -P -f $D/a.conf > >(tsl >> $D/a.log) 2>&1 & KPID=$!
act
kill $KPID; sleep 1.2; KPID=
grep -v -E "gratuitous ARP|: (Starting|Running|Command|Opening|Configuration|NOTICE|Registering|Assigned|VRRP sockpool|Changing syslog| )|Stopped|CPU usage|Startup complete" $D/a.log
