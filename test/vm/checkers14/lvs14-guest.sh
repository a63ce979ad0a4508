#!/bin/bash
# Guest side of test/vm/checkers14.test.ts: runs one implementation (ours | keepalived) with -C on
# the same configs and prints labelled sections: per-real-server tunnels (ipvsadm --tun-info),
# lvs_timeouts at start / reload (tcp 2000) / reload without it / reload (udp 77) / after stop,
# lvs_flush on reload (a foreign service added before the reload), ping_group_range while running
# and after stop, FILE_CHECK weights (the track_file's weight 2; weight 0) as the file changes. Each
# step waits for its expected kernel state (or a timeout), never a fixed time.
# Usage (in the guest, as root): lvs14-guest.sh IMPL REPO
set -u
IMPL=$1 REPO=$2
SRV=$REPO/test/integration/check/servers
D=/run/lvs14-$IMPL; rm -rf $D; mkdir -p $D
say() { echo "=== $IMPL $*"; }
lb() { ip netns exec m-lb "$@"; }
ip netns del m-lb 2>/dev/null; ip netns del m-rs 2>/dev/null
ip netns add m-lb; ip netns add m-rs
ip link add veth-lb type veth peer name veth-rs
ip link set veth-lb netns m-lb; ip link set veth-rs netns m-rs
lb ip link set lo up; lb ip addr add 10.79.0.1/24 dev veth-lb; lb ip link set veth-lb up
ip -n m-rs link set lo up; ip -n m-rs link set veth-rs up
for a in 2 3 4 5 6; do ip -n m-rs addr add 10.79.0.$a/24 dev veth-rs; done
ip netns exec m-rs node "$SRV/misc.mjs" tcp 0.0.0.0 9000 > $D/tcp.out 2>&1 &
TCP=$!
for i in $(seq 1 100); do grep -q ready $D/tcp.out && break; sleep 0.2; done

echo 3 > $D/tf
conf() { # global_defs lines
cat > $D/k.conf <<CONF
global_defs {
  router_id m14
$1
}
track_file tf {
  file $D/tf
  weight 2
}
virtual_server 10.79.0.100 25 {
  delay_loop 2
  lb_algo rr
  lb_kind TUN type ipip
  protocol TCP
  real_server 10.79.0.2 25 {
    lvs_method TUN type gre
    TCP_CHECK {
      connect_port 9000
    }
  }
  real_server 10.79.0.3 25 {
    lvs_method TUN type gue port 6080 csum
    TCP_CHECK {
      connect_port 9000
    }
  }
  real_server 10.79.0.4 25 {
    PING_CHECK {
      connect_timeout 0.5
    }
  }
  real_server 10.79.0.5 25 {
    lvs_method DR
    TCP_CHECK {
      connect_port 9000
    }
  }
  real_server 10.79.0.6 25 {
    lvs_method TUN
    TCP_CHECK {
      connect_port 9000
    }
  }
  real_server 10.79.0.7 25 {
    weight 10
    FILE_CHECK {
      track_file tf
    }
  }
  real_server 10.79.0.8 25 {
    weight 10
    FILE_CHECK {
      track_file tf
      weight 0
    }
  }
}
CONF
}
# waits until `ipvsadm CMD` output matches the pattern (grep -E), at most $3 seconds
wait_for() { for i in $(seq 1 $(($3 * 5))); do lb ipvsadm $1 2>/dev/null | grep -Eq "$2" && return 0; sleep 0.2; done; echo "(timeout waiting for $2)"; return 1; }

conf "  lvs_timeouts tcp 1000 udp 500"
if [ "$IMPL" = ours ]; then K="node --expose-internals $REPO/bin/keepalived"; else K=/usr/sbin/keepalived; fi
lb $K -C -n -l -D -f $D/k.conf -p $D/k.pid -r $D/v.pid -c $D/c.pid > $D/daemon.log 2>&1 &
wait_for -Ln '10.79.0.6:25' 300
wait_for -Ln '10.79.0.4:25' 30
say "ping_group_range running"; lb cat /proc/sys/net/ipv4/ping_group_range
say "tun-info"; lb ipvsadm -Ln --tun-info | tail -n +4 | sort
say "timeouts after start"; lb ipvsadm -L --timeout
say "file weights at start (3)"; lb ipvsadm -Ln | grep -E '10\.79\.0\.[78]:' | awk '{print $2, $4}'
echo -1 > $D/tf; wait_for -Ln '10\.79\.0\.7:25 +Tunnel +8 ' 30
say "file weights after -1"; lb ipvsadm -Ln | grep -E '10\.79\.0\.[78]:' | awk '{print $2, $4}'
echo 0 > $D/tf; wait_for -Ln '10\.79\.0\.8:25' 30
say "file weights after 0"; lb ipvsadm -Ln | grep -E '10\.79\.0\.[78]:' | awk '{print $2, $4}'
lb ipvsadm -A -t 10.9.9.9:80 -s rr
conf "  lvs_timeouts tcp 2000
  lvs_flush"
kill -HUP $(cat $D/k.pid); wait_for '-L --timeout' ': 2000 ' 120
say "timeouts after reload (tcp 2000)"; lb ipvsadm -L --timeout
say "services after reload with lvs_flush"; lb ipvsadm -Ln | grep -E '^(TCP|UDP)' | sort
conf ""
kill -HUP $(cat $D/k.pid); wait_for '-L --timeout' ': 900 ' 120
say "timeouts after reload without lvs_timeouts"; lb ipvsadm -L --timeout
conf "  lvs_timeouts udp 77"
kill -HUP $(cat $D/k.pid); wait_for '-L --timeout' ' 77$' 120
say "timeouts after reload (udp 77)"; lb ipvsadm -L --timeout
kill -TERM $(cat $D/k.pid); for i in $(seq 1 300); do [ -e $D/k.pid ] || break; sleep 0.1; done; sleep 0.5
say "timeouts after stop"; lb ipvsadm -L --timeout
say "ping_group_range after stop"; lb cat /proc/sys/net/ipv4/ping_group_range
# SSL{} whose certificate cannot be loaded: the checker stops the daemon at start
cat > $D/ssl.conf <<CONF
SSL {
  certificate $D/missing.pem
  password pw
}
virtual_server 10.79.0.100 443 {
  delay_loop 2
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.79.0.2 443 {
    SSL_GET {
      url {
        path /
      }
    }
  }
}
CONF
lb $K -C -n -l -D -f $D/ssl.conf -p $D/s.pid -r $D/sv.pid -c $D/sc.pid > $D/ssl.log 2>&1 &
P=$!
for i in $(seq 1 1200); do kill -0 $P 2>/dev/null || break; sleep 0.2; done
kill $P 2>/dev/null; wait $P; RC=$?
say "bad SSL{} files: exit code and lines"; echo "exit $RC"; grep -E 'SSL|Terminat|permanent|exited' $D/ssl.log | sed -e 's/^.*[0-9]: //' -e 's/pid [0-9]*/pid N/' -e 's/process [0-9]*/process N/'
say "end"
kill $TCP 2>/dev/null
ip netns del m-lb; ip netns del m-rs
