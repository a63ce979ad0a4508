#!/bin/bash
# Records keepalived 2.2.7's behaviour for issue 14's checker/IPVS items in the qemu guest (IPVS):
#   scripts/vm/run.sh -m veth $PWD bash test/vm/checkers14/record-2.2.7.sh > test/vm/checkers14/keepalived-2.2.7.txt
# Two namespaces (m-lb runs keepalived -C, m-rs has SMTP/UDP/TCP listeners on 10.79.0.2 and .3).
# Shows: SMTP_CHECK host{} blocks (the checker dump and log lines), per-real-server tunnel types
# (ipvsadm --tun-info), bind_if/fwmark on TCP/UDP/PING checks, PING_CHECK's ping_group_range,
# lvs_timeouts at start / reload / reload without it / stop, lvs_flush on reload.
set -u
K=/usr/sbin/keepalived
HERE=$(cd "$(dirname "$0")" && pwd)
SRV=$HERE/../../integration/check/servers
D=$(mktemp -d)
say() { echo "=== $*"; }
lb() { ip netns exec m-lb "$@"; }
ip netns add m-lb; ip netns add m-rs
ip link add veth-lb type veth peer name veth-rs
ip link set veth-lb netns m-lb; ip link set veth-rs netns m-rs
lb ip link set lo up; lb ip addr add 10.79.0.1/24 dev veth-lb; lb ip link set veth-lb up
ip -n m-rs link set lo up; ip -n m-rs addr add 10.79.0.2/24 dev veth-rs; ip -n m-rs addr add 10.79.0.3/24 dev veth-rs; ip -n m-rs link set veth-rs up
ip netns exec m-rs node "$SRV/smtp.mjs" 10.79.0.2 25 > $D/smtp2.out 2>&1 &
ip netns exec m-rs node "$SRV/smtp.mjs" 10.79.0.3 25 > $D/smtp3.out 2>&1 &
ip netns exec m-rs node "$SRV/misc.mjs" udp-echo 10.79.0.2 7 > $D/udp.out 2>&1 &
for i in $(seq 1 100); do grep -q ready $D/smtp2.out && grep -q ready $D/smtp3.out && grep -q ready $D/udp.out && break; sleep 0.3; done

conf() { # $1 file, $2 global_defs extra lines
cat > "$1" <<CONF
global_defs {
  router_id m14
$2
}
virtual_server 10.79.0.100 25 {
  delay_loop 3
  lb_algo rr
  lb_kind TUN type ipip
  protocol TCP
  real_server 10.79.0.2 25 {
    lvs_method TUN type gre
    SMTP_CHECK {
      connect_timeout 2
      retry 0
      host {
        connect_ip 10.79.0.2
      }
      host {
        connect_ip 10.79.0.3
        connect_port 2525
      }
    }
  }
  real_server 10.79.0.3 25 {
    lvs_method TUN type gue port 6080
    SMTP_CHECK {
      retry 0
      host {
        connect_ip 10.79.0.3
      }
    }
  }
  real_server 10.79.0.4 25 {
    PING_CHECK {
      connect_ip 10.79.0.2
      connect_timeout 0.5
      bind_if nosuch0
      fwmark 5
      bindto 10.79.0.77
      retry 0
    }
  }
  real_server 10.79.0.5 25 {
    lvs_method DR
    UDP_CHECK {
      connect_ip 10.79.0.2
      connect_port 7
      bind_if nosuch0
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.79.0.6 25 {
    lvs_method TUN
    TCP_CHECK {
      connect_ip 10.79.0.2
      connect_port 25
      bind_if nosuch0
    }
  }
}
CONF
}
say "ping_group_range before"; lb cat /proc/sys/net/ipv4/ping_group_range
say "timeouts before"; lb ipvsadm -L --timeout
conf $D/a.conf "  lvs_timeouts tcp 1000 udp 500"
lb $K -n -l -D -C -f $D/a.conf -p $D/k.pid -c $D/c.pid > $D/ka.log 2>&1 &
sleep 12
say "ping_group_range running"; lb cat /proc/sys/net/ipv4/ping_group_range
say "tun-info"; lb ipvsadm -Ln --tun-info
say "timeouts after start"; lb ipvsadm -L --timeout
kill -USR1 $(cat $D/k.pid); sleep 2
say "check dump"; cat /tmp/keepalived_check.data
lb ipvsadm -A -t 10.9.9.9:80 -s rr
conf $D/a.conf "  lvs_timeouts tcp 2000
  lvs_flush"
kill -HUP $(cat $D/k.pid); sleep 8
say "timeouts after reload (tcp 2000 only) and table (foreign 10.9.9.9 kept?)"; lb ipvsadm -L --timeout; lb ipvsadm -Ln
conf $D/a.conf ""
kill -HUP $(cat $D/k.pid); sleep 8
say "timeouts after reload without lvs_timeouts"; lb ipvsadm -L --timeout
conf $D/a.conf "  lvs_timeouts udp 77"
kill -HUP $(cat $D/k.pid); sleep 8
say "timeouts after reload udp 77"; lb ipvsadm -L --timeout
kill -TERM $(cat $D/k.pid); for i in $(seq 1 50); do [ -e $D/k.pid ] || break; sleep 0.2; done; sleep 1
say "timeouts after stop"; lb ipvsadm -L --timeout
say "ping_group_range after stop"; lb cat /proc/sys/net/ipv4/ping_group_range
say "log"; sed -e 's/^[A-Z][a-z][a-z] [A-Z][a-z][a-z] *[0-9]* [0-9:]* [0-9]* //' $D/ka.log
kill %1 %2 %3 2>/dev/null
ip netns del m-lb; ip netns del m-rs
