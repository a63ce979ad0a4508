# E6: -s over a configured net_namespace, a missing namespace (foreground and daemon), -t
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
setup
{ echo "net_namespace nope$R"; inst VI_1 va 100; } > $D/a.conf
echo "== -s override"
$KA -n -l -P -f $D/a.conf -s $NSA > >(tsl | grep -v "gratuitous") 2>&1 & K=$!; sleep 5; kill $K; wait $K; sleep 1
echo "== missing namespace"
$KA -n -l -P -f $D/a.conf 2>&1 | tsl; echo "exit ${PIPESTATUS[0]}"
ls -la /run/keepalived 2>&1
echo "== missing via -s, daemon mode"
$KA -l -P -f $D/a.conf -s nope2$R; echo "exit $?"; sleep 1; ls -la /run/keepalived 2>&1
echo "== -t"
$KA -t -f $D/a.conf; echo "exit $?"
