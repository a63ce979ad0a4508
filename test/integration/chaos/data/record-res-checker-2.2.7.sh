#!/bin/bash
# Records keepalived 2.2.7's checker under two of the chaos tier's faults in the qemu guest (real
# IPVS), the side this host cannot run (no IPVS here: 2.2.7's checker exits FATAL):
#   scripts/vm/run.sh -m veth -t 900 $PWD bash test/integration/chaos/data/record-res-checker-2.2.7.sh \
#     > test/integration/chaos/data/res-checker-2.2.7.txt
# Namespaces c-lb (keepalived -C) and c-rs (servers, 10.80.0.10). Ours runs the same faults on the host:
# test/integration/chaos/chaos-res-checker.test.ts.
#  1. real servers that accept and never answer: 20 TCP_CHECK (ports 8001-8020) and 20 HTTP_GET
#     (8101-8120), connect_timeout 1, retry 1, delay_before_retry 1, log_all_failures, for 8 s; then
#     the servers answer 200 for 6 s. Line counts per kind, sample lines, ipvsadm -Ln after each.
#  2. RLIMIT_NOFILE 100 (ulimit -n) with 200 TCP_CHECK real servers: 100 answering (9001-9100 on
#     10.80.0.10) and 100 on 10.80.0.99, an address nobody has (their connects stay in flight until
#     ARP gives up, EHOSTUNREACH, about 3 s), connect_timeout 5, for 12 s. Line counts, ipvsadm -Ln.
set -u
K=/usr/sbin/keepalived
D=$(mktemp -d)
say() { echo "=== $*"; }
lb() { ip netns exec c-lb "$@"; }
ip netns add c-lb; ip netns add c-rs
ip link add veth-lb type veth peer name veth-rs
ip link set veth-lb netns c-lb; ip link set veth-rs netns c-rs
lb ip link set lo up; lb ip addr add 10.80.0.1/24 dev veth-lb; lb ip link set veth-lb up
ip -n c-rs link set lo up; ip -n c-rs addr add 10.80.0.10/24 dev veth-rs; ip -n c-rs link set veth-rs up
# the black hole: accepts, never answers; after SIGUSR2 answers HTTP 200 and closes
ip netns exec c-rs node -e "
const net=require('net');let heal=false;process.on('SIGUSR2',()=>{heal=true;});
const ports=[];for(let p=8001;p<=8020;p++)ports.push(p);for(let p=8101;p<=8120;p++)ports.push(p);for(let p=9001;p<=9100;p++)ports.push(p);
let n=0;for(const p of ports){net.createServer((c)=>{c.on('error',()=>{});if(heal||p>=9001)c.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');}).listen(p,'0.0.0.0',()=>{if(++n===ports.length)console.log('ready');});}
setInterval(()=>{},1e9);" > $D/bh.out 2>&1 &
BH=$!
for i in $(seq 1 100); do grep -q ready $D/bh.out && break; sleep 0.3; done

rs() { # $1 port, $2 check, $3 address
  echo "  real_server ${3:-10.80.0.10} $1 {"
  echo "    $2 {"
  echo "      connect_timeout ${4:-1}"
  echo "      retry 1"
  echo "      delay_before_retry 1"
  echo "      log_all_failures"
  [ "$2" = HTTP_GET ] && printf '      url {\n        path /\n        status_code 200\n      }\n'
  echo "    }"
  echo "  }"
}
counts() { # $1 log
  sed -e 's/^[A-Z][a-z][a-z] [A-Z][a-z][a-z] *[0-9]* [0-9:]* [0-9]*: //' "$1" \
    | sed -E 's/\[10\.80\.0\.[0-9]+\]:tcp:[0-9]+/[RS]/g; s/process\([0-9]+\)/process(PID)/; s/pid=[0-9]+/pid=PID/' | sort | uniq -c | sort -rn
}

say "1. real servers that accept and never answer"
{ echo 'global_defs {'; echo '  router_id c1'; echo '}'; echo 'virtual_server 10.80.0.100 80 {'; echo '  delay_loop 1'; echo '  lb_kind NAT'; echo '  protocol TCP'
  for p in $(seq 8001 8020); do rs $p TCP_CHECK; done; for p in $(seq 8101 8120); do rs $p HTTP_GET; done; echo '}'; } > $D/c1.conf
lb $K -n -l -D -C -f $D/c1.conf -p $D/k1.pid -c $D/c1.pid > $D/k1.log 2>&1 &
sleep 8
say "ipvsadm -Ln after 8 s (20 TCP_CHECK up, 20 HTTP_GET down)"; lb ipvsadm -Ln | sort
say "line counts after 8 s"; counts $D/k1.log
cp $D/k1.log $D/k1-before.log
kill -USR2 $BH; sleep 6
say "ipvsadm -Ln 6 s after the servers answer"; lb ipvsadm -Ln | sort
say "line counts after the heal (whole run)"; counts $D/k1.log
kill -TERM $(cat $D/k1.pid); for i in $(seq 1 50); do [ -e $D/k1.pid ] || break; sleep 0.2; done

say "2. RLIMIT_NOFILE 100, 200 TCP_CHECK real servers (100 answering, 100 on an address nobody has)"
{ echo 'global_defs {'; echo '  router_id c2'; echo '}'; echo 'virtual_server 10.80.0.101 80 {'; echo '  delay_loop 1'; echo '  lb_kind NAT'; echo '  protocol TCP'
  for p in $(seq 9001 9100); do rs $p TCP_CHECK 10.80.0.10 5; done; for p in $(seq 9001 9100); do rs $p TCP_CHECK 10.80.0.99 5; done; echo '}'; } > $D/c2.conf
# (no prlimit in the guest: bash's ulimit sets RLIMIT_NOFILE before the exec)
lb bash -c "ulimit -n 100 && exec $K -n -l -D -C -f $D/c2.conf -p $D/k2.pid -c $D/c2.pid" > $D/k2.log 2>&1 &
sleep 12
say "descriptors of the checker"; ls /proc/$(cat $D/c2.pid)/fd | wc -l
say "ipvsadm -Ln after 12 s: real servers in the table (answering 10.80.0.10 / unreachable 10.80.0.99)"
echo "10.80.0.10: $(lb ipvsadm -Ln | grep -c '10.80.0.10:')  10.80.0.99: $(lb ipvsadm -Ln | grep -c '10.80.0.99:')"
say "line counts after 12 s"; counts $D/k2.log
kill -TERM $(cat $D/k2.pid); for i in $(seq 1 50); do [ -e $D/k2.pid ] || break; sleep 0.2; done
kill $BH 2>/dev/null
ip netns del c-lb; ip netns del c-rs
