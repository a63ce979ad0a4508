#!/bin/bash
# Records keepalived 2.2.7's lvs_sync_daemon behaviour in the qemu guest (real IPVS), for issue 14:
#   IPVS_VM_EXTRA_BINS=tcpdump IPVS_VM_CACHE=$PWD/.cache/vm-td scripts/vm/run.sh -m veth -m bridge -t 900 \
#     $PWD bash test/vm/syncd/record-2.2.7.sh > test/vm/syncd/keepalived-2.2.7.txt
# (tcpdump is copied into that cache's sysroot only for this recording; the test does not need it.)
# Namespaces on one bridge: a client, two directors running keepalived 2.2.7 (-D, console log), one
# LVS-DR real server with a TCP echo server. Shows `ipvsadm -L --daemon` per director at each step
# (start as BACKUP, MASTER, after a failover, reloads, stop), the log lines, the sync packets
# (tcpdump on the bridge), the synced connection on the backup (`ipvsadm -Lnc`), and the variants:
# no VRRP instance (the checker runs both daemons), the deprecated vrrp_instance keyword, an unknown
# instance, the options id/maxlen/port/ttl/group, an interface that does not exist, reloads (SIGHUP
# unchanged / changed) of a BACKUP and of the checker-run daemons, and the USR1 dump lines.
set -u
K=/usr/sbin/keepalived
# tcpdump drops privileges to its own user, which the guest does not have
grep -q '^tcpdump:' /etc/passwd 2>/dev/null || echo 'tcpdump:x:0:0::/:/bin/sh' >> /etc/passwd
D=$(mktemp -d)
NET=10.76.0 VIP=10.76.0.100
say() { echo "=== $*"; }
ns() { ip netns exec "sd-$1" "${@:2}"; }
ip link add sdbr0 type bridge; ip link set sdbr0 up
for n in cl:10 d1:11 d2:12 rs:21; do
  h=${n%%:*} a=${n##*:}
  ip netns add sd-$h
  ip link add sd-$h type veth peer name eth0 netns sd-$h
  ip link set sd-$h master sdbr0 up
  ip -n sd-$h link set lo up; ip -n sd-$h addr add $NET.$a/24 dev eth0; ip -n sd-$h link set eth0 up
done
ip -n sd-rs addr add $VIP/32 dev lo
ns rs sh -c 'for i in all eth0; do echo 1 > /proc/sys/net/ipv4/conf/$i/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/$i/arp_announce; done'
cat > $D/echo.mjs <<'JS'
import { createServer } from 'node:net';
createServer((s) => s.pipe(s)).listen(7000, () => console.log('ready'));
JS
cat > $D/client.mjs <<'JS'
import { connect } from 'node:net';
const s = connect({ host: process.argv[2], port: 7000, localPort: 30001 });
let n = 0, last = Date.now();
s.setEncoding('utf8');
s.on('connect', () => { console.log('connected'); setInterval(() => s.write(`${n++}\n`), 200); });
s.on('data', () => { last = Date.now(); });
s.on('error', (e) => { console.log(`error ${e.code}`); process.exit(1); });
s.on('close', () => { console.log('closed'); process.exit(1); });
setInterval(() => console.log(`sent ${n} last echo ${Date.now() - last} ms ago`), 1000);
JS
ip netns exec sd-rs node $D/echo.mjs > $D/echo.out 2>&1 &
ECHO=$!
for i in $(seq 1 100); do grep -q ready $D/echo.out && break; sleep 0.3; done

conf() { # $1 file, $2 global_defs lines, $3 vrrp_instance extra lines
cat > "$1" <<CONF
global_defs {
  @high router_id SD_HIGH
  @low router_id SD_LOW
$2
}
vrrp_instance VI_1 {
  @high state MASTER
  @low state BACKUP
  interface eth0
  virtual_router_id 51
  @high priority 150
  @low priority 100
  advert_int 1
$3
  virtual_ipaddress {
    $VIP/24 dev eth0
  }
}
virtual_server $VIP 7000 {
  delay_loop 2
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server $NET.21 7000 {
    TCP_CHECK {
      connect_timeout 2
    }
  }
}
CONF
}
start() { # $1 director, $2 config id, $3 conf, [more args]
  rm -f $D/$1.log
  ip netns exec sd-$1 $K -n -l -D -f "$3" -i $2 -p $D/$1.pid -r $D/$1.vrrp.pid -c $D/$1.chk.pid -b $D/$1.bfd.pid "${@:4}" > $D/$1.log 2>&1 &
  eval "PID_$1=$! M_$1=0"
}
mark() { eval "M_$1=$(wc -l < $D/$1.log)"; } # waitlog looks at the lines after the mark
waitlog() { # $1 director, $2 regex, $3 seconds
  local m; eval "m=\${M_$1:-0}"
  for i in $(seq 1 $(($3 * 5))); do tail -n +$((m + 1)) $D/$1.log | grep -qE "$2" && return 0; sleep 0.2; done
  echo "(timeout waiting for '$2' in $1)"; return 1
}
daemons() { for d in "$@"; do echo "-- $d:"; ns $d ipvsadm -L --daemon; done; }
stopd() { # $1 director
  local p; eval "p=\$PID_$1"; kill -TERM $p; for i in $(seq 1 100); do kill -0 $p 2>/dev/null || return 0; sleep 0.2; done
  echo "($1 still running 20 s after SIGTERM)"
}
logs() { for d in "$@"; do say "$d log"; sed -E 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]+ [0-9]{4}: //' $D/$d.log; done; }

say "A: lvs_sync_daemon eth0 VI_1, kernel before start"
conf $D/a.conf '  lvs_sync_daemon eth0 VI_1' ''
daemons d1 d2
start d2 low $D/a.conf
waitlog d2 'Entering BACKUP STATE' 30
sleep 1
say "A: d2 started alone (BACKUP)"
daemons d2
start d1 high $D/a.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
say "A: d1 MASTER, d2 BACKUP"
daemons d1 d2
ip netns exec sd-cl node $D/client.mjs $VIP > $D/client.out 2>&1 &
CL=$!
timeout 8 tcpdump -i sdbr0 -nn -v -c 4 udp port 8848 > $D/td.out 2>&1
sleep 1
say "A: sync packets on the bridge (tcpdump -v udp port 8848)"
grep -v 'listening on\|packets' $D/td.out
say "A: connection tables (ipvsadm -Lnc)"
for d in d1 d2; do echo "-- $d:"; ns $d ipvsadm -Lnc; done
mark d2
stopd d1
waitlog d2 'Entering MASTER STATE' 30
sleep 3
say "A: after SIGTERM to d1: d2 MASTER"
daemons d1 d2
echo "-- d2 -Lnc:"; ns d2 ipvsadm -Lnc
echo "-- client:"; tail -3 $D/client.out
mark d2
kill -HUP $PID_d2
waitlog d2 'Reloading' 20
sleep 4
say "A: d2 after SIGHUP, same config"
daemons d2
conf $D/a.conf '  lvs_sync_daemon eth0 VI_1 id 7' ''
mark d2
kill -HUP $PID_d2
waitlog d2 'Reloading' 20
sleep 4
say "A: d2 after SIGHUP, id 7 added"
daemons d2
conf $D/a.conf '  lvs_sync_daemon eth0 VI_1 id 7' ''
cp $D/d1.log $D/a-d1-first.log
mark d2
start d1 high $D/a.conf
waitlog d2 'Entering BACKUP STATE' 60
sleep 2
say "A: d1 restarted, preempts; d2 back to BACKUP"
daemons d1 d2
stopd d2
sleep 1
say "A: d2 stopped (was BACKUP)"
daemons d2
stopd d1
sleep 1
say "A: d1 stopped (was MASTER)"
daemons d1
echo "-- client:"; tail -3 $D/client.out
kill $CL 2>/dev/null
say "d1 log (first run, MASTER until SIGTERM)"
sed -E 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]+ [0-9]{4}: //' $D/a-d1-first.log
logs d1 d2

say "B: lvs_sync_daemon eth0 (no instance), d1 alone"
conf $D/b.conf '  lvs_sync_daemon eth0' ''
start d1 high $D/b.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
daemons d1
stopd d1
say "B: after stop"
daemons d1
logs d1

say "B2: lvs_sync_daemon eth0 (no instance), -C only"
start d1 high $D/b.conf -C
waitlog d1 'Activating healthchecker' 30
sleep 2
daemons d1
stopd d1
say "B2: after stop"
daemons d1

say "B3: lvs_sync_daemon eth0 VI_1, -C only"
start d1 high $D/a.conf -C
waitlog d1 'Activating healthchecker' 30
sleep 2
daemons d1
stopd d1

say "C: deprecated vrrp_instance lvs_sync_daemon_interface eth0, d1 alone"
conf $D/c.conf '' '  lvs_sync_daemon_interface eth0'
start d1 high $D/c.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
daemons d1
stopd d1
logs d1

say "D: lvs_sync_daemon eth0 NOPE (no such instance), d1 alone"
conf $D/d.conf '  lvs_sync_daemon eth0 NOPE' ''
start d1 high $D/d.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
daemons d1
stopd d1
logs d1

say "E: lvs_sync_daemon eth0 VI_1 id 9 maxlen 800 port 8850 ttl 3 group 239.1.2.3, d1 MASTER d2 BACKUP"
conf $D/e.conf '  lvs_sync_daemon eth0 VI_1 id 9 maxlen 800 port 8850 ttl 3 group 239.1.2.3' ''
start d2 low $D/e.conf
start d1 high $D/e.conf
waitlog d1 'Entering MASTER STATE' 30
waitlog d2 'Entering BACKUP STATE' 30
sleep 2
daemons d1 d2
ip netns exec sd-cl node $D/client.mjs $VIP > $D/client.out 2>&1 &
CL=$!
timeout 8 tcpdump -i sdbr0 -nn -v -c 2 udp port 8850 > $D/td.out 2>&1
say "E: sync packets (tcpdump -v udp port 8850)"
grep -v 'listening on\|packets' $D/td.out
echo "-- d2 -Lnc:"; ns d2 ipvsadm -Lnc
kill $CL
stopd d1; stopd d2
logs d1

say "F: lvs_sync_daemon nosuch0 VI_1 (no such interface), d1 alone"
conf $D/f.conf '  lvs_sync_daemon nosuch0 VI_1' ''
start d1 high $D/f.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
daemons d1
stopd d1
logs d1

say "H: lvs_sync_daemon eth0 VI_1, d2 BACKUP alone behind d1: SIGHUP unchanged, then id 4; USR1 data dump"
conf $D/h.conf '  lvs_sync_daemon eth0 VI_1' ''
start d1 high $D/h.conf
start d2 low $D/h.conf
waitlog d1 'Entering MASTER STATE' 30
waitlog d2 'Entering BACKUP STATE' 30
sleep 2
mark d2
kill -HUP $PID_d2
waitlog d2 'Reload complete' 20
sleep 3
say "H: d2 (BACKUP) after SIGHUP, same config"
daemons d2
conf $D/h.conf '  lvs_sync_daemon eth0 VI_1 id 4' ''
kill -HUP $PID_d2
waitlog d2 'Reload complete' 20
sleep 3
say "H: d2 (BACKUP) after SIGHUP, id 4"
daemons d2
rm -f /tmp/keepalived.data /tmp/keepalived_check.data /tmp/keepalived_parent.data
kill -USR1 $PID_d2
sleep 3
say "H: USR1 keepalived.data, LVS lines"
grep -i 'lvs\|syncd' /tmp/keepalived.data
say "H: USR1 keepalived_check.data, LVS lines"
grep -i 'lvs\|syncd' /tmp/keepalived_check.data
say "H: USR1 keepalived_parent.data, LVS lines"
grep -i 'lvs\|syncd' /tmp/keepalived_parent.data
stopd d1; stopd d2
logs d2

say "I: lvs_sync_daemon eth0 (no instance), d1 alone: SIGHUP unchanged, then id 6; USR1"
conf $D/i.conf '  lvs_sync_daemon eth0' ''
start d1 high $D/i.conf
waitlog d1 'Entering MASTER STATE' 30
sleep 2
mark d1
kill -HUP $PID_d1
waitlog d1 'Reload complete' 20
sleep 3
say "I: after SIGHUP, same config"
daemons d1
conf $D/i.conf '  lvs_sync_daemon eth0 id 6' ''
kill -HUP $PID_d1
waitlog d1 'Reload complete' 20
sleep 3
say "I: after SIGHUP, id 6"
daemons d1
rm -f /tmp/keepalived.data /tmp/keepalived_check.data
kill -USR1 $PID_d1
sleep 3
say "I: USR1 keepalived.data, LVS lines"
grep -i 'lvs\|syncd' /tmp/keepalived.data
say "I: USR1 keepalived_check.data, LVS lines"
grep -i 'lvs\|syncd' /tmp/keepalived_check.data
stopd d1
say "I: after stop"
daemons d1
logs d1

say end
kill $ECHO
for h in cl d1 d2 rs; do ip netns del sd-$h; done
ip link del sdbr0
