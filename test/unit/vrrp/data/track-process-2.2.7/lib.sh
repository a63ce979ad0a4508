# Measurement helpers for track_process / net_namespace (source me; root). Two namespaces joined by a
# veth pair (VRRP stays inside them); KA is the daemon measured (default keepalived 2.2.7).
set -u
R=$$
NSA=tpA$R; NSB=tpB$R
D=${TMPDIR:-/tmp}/tp-measure-$R; mkdir -p $D
KA=${KA:-keepalived}
tsl() { perl -MTime::HiRes=time -ne 'BEGIN{$|=1; $t0=$ENV{T0}} printf("%8.3f %s", time-$t0, $_)'; }
export T0=$(date +%s.%N)
setup() {
  ip netns add $NSA; ip netns add $NSB
  ip link add va netns $NSA type veth peer name vb netns $NSB
  ip -n $NSA addr add 10.99.1.1/24 dev va; ip -n $NSA link set va up; ip -n $NSA link set lo up
  ip -n $NSB addr add 10.99.1.2/24 dev vb; ip -n $NSB link set vb up; ip -n $NSB link set lo up
}
cleanup() {
  for p in $(cat $D/*.kpid 2>/dev/null); do kill $p 2>/dev/null; done
  sleep 1.5
  ip netns del $NSA 2>/dev/null; ip netns del $NSB 2>/dev/null
  rm -rf $D
}
peer_conf() { cat > $D/b.conf <<EOC
global_defs {
  router_id B
}
vrrp_instance VI_1 {
  state BACKUP
  interface vb
  virtual_router_id 51
  priority 90
  advert_int 1
  virtual_ipaddress {
    10.99.1.100/24
  }
}
EOC
}
start_peer() { peer_conf; ip netns exec $NSB keepalived -n -l -D -P -f $D/b.conf -p $D/b.pid -r $D/b.vpid > >(tsl > $D/b.log) 2>&1 & echo $! > $D/b.kpid; }
# inst NAME IF PRIO TRACKBLOCK...
inst() { local n=$1 ifc=$2 pr=$3; shift 3; cat <<EOC
vrrp_instance $n {
  state BACKUP
  interface $ifc
  virtual_router_id 51
  priority $pr
  advert_int 1
  virtual_ipaddress {
    10.99.1.100/24
  }
$(for l in "$@"; do echo "  $l"; done)
}
EOC
}
# tproc NAME line...
tproc() { local n=$1; shift; echo "vrrp_track_process $n {"; for l in "$@"; do echo "  $l"; done; echo "}"; }
