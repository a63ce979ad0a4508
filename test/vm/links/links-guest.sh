#!/bin/bash
# Guest side of test/vm/links-ipvlan.test.ts (and the recorder of keepalived-2.2.7.txt): runs one
# implementation (ours | keepalived) in namespace lr1 on links.conf and prints labelled sections at
# each step. Lab: lr1 (the router under test), lr2 (a keepalived 2.2.7 peer, priority 200), lc (a
# client) and lsw (three bridges br0..2 joining eth0..2 of each); lr1's eth1 and eth2 are slaves of
# the VRF vrf0 (table 100). First `keepalived -t` on links.conf, vrf-rules.conf, vrf-alone.conf.
# Steps: start (the peer is MASTER: BACKUP, FAULT), master (the peer stopped), backup (the peer
# back), master2 (stopped again), reload (SIGHUP with links-reload.conf), stop (SIGTERM). At each step:
# `ip -d link`, `ip -d addr`, `ip vrf`, both route tables, the rules, the sysctls keepalived touches,
# the log lines since the previous step, and what the client reaches (ping, neighbour MACs).
# tcpdump on the switch ports of lr1 records the whole run ("=== mark" lines give the step times).
# Each step waits for its log lines and then for a quiet log (or a timeout), never a fixed time.
# Usage (in the guest, as root): links-guest.sh IMPL REPO
set -u
IMPL=$1 REPO=$2
HERE=$REPO/test/vm/links
D=/run/links-$IMPL; rm -rf $D; mkdir -p $D
NS="lr1 lr2 lc lsw"
say() { echo "=== $*"; }
now() { date +%s.%N; }
down() { for n in $NS; do ip netns pids $n 2>/dev/null | xargs -r kill -9; ip netns del $n 2>/dev/null; done; }
down
for n in $NS; do ip netns add $n; ip -n $n link set lo up; done
for b in 0 1 2; do ip -n lsw link add br$b type bridge; ip -n lsw link set br$b up; done
i=0
for h in r1 r2 c; do
  for e in 0 1 2; do
    ip -n l$h link add eth$e address 02:00:00:0$i:0$e:01 type veth peer name $h-e$e netns lsw
    ip -n lsw link set $h-e$e master br$e up
  done
  i=$((i+1))
done
ip -n lr1 link add vrf0 address 02:00:00:00:0f:01 type vrf table 100
ip -n lr1 link set vrf0 up
ip -n lr1 link set eth1 master vrf0; ip -n lr1 link set eth2 master vrf0
for h in r1 r2 c; do
  case $h in r1) n=1 ;; r2) n=2 ;; c) n=9 ;; esac
  ip -n l$h addr add 10.80.0.$n/24 dev eth0; ip -n l$h addr add fd80::$n/64 dev eth0 nodad
  ip -n l$h addr add 10.81.0.$n/24 dev eth1; ip -n l$h addr add 10.82.0.$n/24 dev eth2
  for e in 0 1 2; do ip -n l$h link set eth$e up; done
done
# let the link-local addresses finish DAD before anything starts
for i in $(seq 1 50); do ip -n lr1 -6 addr | grep -q tentative || break; sleep 0.2; done

for e in 0 1 2; do
  ip netns exec lsw tcpdump -Z root -i r1-e$e -e -n -tt -l 'vrrp or (ip6 and ip6[6] == 112) or arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))' > $D/wire$e 2>/dev/null &
done
sleep 1

snap() {
  say "link $1"; ip -n lr1 -d link show
  say "addr $1"; ip -n lr1 -d addr show
  say "vrf $1"; ip -n lr1 vrf show
  say "route $1"; ip -n lr1 route show table all; ip -n lr1 -6 route show table all
  say "rule $1"; ip -n lr1 rule; ip -n lr1 -6 rule
  say "sysctl $1"
  ip netns exec lr1 sh -c 'cd /proc/sys/net; for d in ipv4/conf/*; do for k in arp_ignore arp_filter rp_filter accept_local promote_secondaries; do echo "$d/$k $(cat $d/$k)"; done; done; for d in ipv6/conf/*; do for k in disable_ipv6 addr_gen_mode; do echo "$d/$k $(cat $d/$k)"; done; done'
}
reach() {
  say "reach $1"
  ip -n lc neigh flush all
  for a in 10.80.0.100 10.80.0.102 10.80.0.51 10.81.0.100 10.81.0.101 10.82.0.100 10.82.0.56 fd80::100 fd80::101 fd80::53; do
    ip netns exec lc ping -c1 -W1 $a > /dev/null 2>&1 && echo "$a ok" || echo "$a no"
  done
  ip -n lc neigh show | grep -v FAILED | grep lladdr | awk '{print $1, $3, $5}' | sort
}
LOGN=0
logpart() { say "log $1"; tail -n +$((LOGN + 1)) $D/daemon.log; LOGN=$(wc -l < $D/daemon.log); }
# waits until FILE holds at least N lines "(VI_x) TEXT" for each instance of $ALL
wait_n() { # FILE SECS N TEXT
  for i in $(seq 1 $(($2 * 5))); do
    local ok=1
    for v in $ALL; do [ "$(grep -Ec "\\($v\\) $4" $1)" -ge $3 ] || { ok=0; break; }; done
    [ $ok = 1 ] && return 0
    sleep 0.2
  done
  echo "(timeout waiting for $3 x $4 in $1)"; return 1
}
# waits until the daemon's log has had no new line for 6 s (the 5 s GARP repeats are done) and no
# IPv6 address of lr1 is still tentative, at most 90 s
settle() {
  local n=-1 quiet=0
  for i in $(seq 1 450); do
    local m; m=$(wc -l < $D/daemon.log)
    if [ "$m" = "$n" ]; then quiet=$((quiet + 1)); else quiet=0; n=$m; fi
    [ $quiet -ge 30 ] && ! ip -n lr1 -6 addr | grep -q tentative && return 0
    sleep 0.2
  done
  echo "(timeout waiting for a quiet log)"; return 1
}
mark() { say "mark $1 $EPOCHREALTIME"; }
step() { mark $1; logpart $1; snap $1; }
peer() { # up | down
  if [ $1 = up ]; then
    : > $D/peer.log
    ip netns exec lr2 /usr/sbin/keepalived -n -l -D -f $HERE/peer.conf -p $D/p.pid -r $D/pv.pid > $D/peer.log 2>&1 &
    ALL="VI_1 VI_2 VI_3 VI_4 VI_5 VI_6 VI_7 VI_8" wait_n $D/peer.log 60 1 'Entering MASTER STATE'
  else
    kill -TERM $(cat $D/p.pid); for i in $(seq 1 100); do [ -e $D/p.pid ] || break; sleep 0.1; done
  fi
}

cp $HERE/links.conf $D/k.conf
if [ "$IMPL" = ours ]; then K="node --expose-internals $REPO/bin/keepalived"; else K=/usr/sbin/keepalived; fi
for c in links vrf-rules vrf-alone; do
  say "check $c.conf"; ip netns exec lr1 $K -t -f $HERE/$c.conf > $D/t.out 2>&1; echo "exit $?"; sed -e "s#$HERE/##g" $D/t.out
done
# the peer is MASTER first: the router under test starts in BACKUP and stays there
ALL="VI_1 VI_3 VI_4 VI_5 VI_6 VI_7 VI_8"
peer up
mark begin
ip netns exec lr1 $K -n -l -D -f $D/k.conf -p $D/k.pid -r $D/v.pid > $D/daemon.log 2>&1 &
wait_n $D/daemon.log 300 1 'Entering BACKUP STATE'; settle
step start
peer down
wait_n $D/daemon.log 60 1 'Entering MASTER STATE'; settle
step master; reach master
peer up
wait_n $D/daemon.log 60 2 'Entering BACKUP STATE'; settle
step backup; reach backup
peer down
wait_n $D/daemon.log 60 2 'Entering MASTER STATE'; settle
mark master2; logpart master2
cp $HERE/links-reload.conf $D/k.conf
kill -HUP $(cat $D/k.pid)
for i in $(seq 1 600); do grep -q 'Success removing VMAC interface vrrp.52' $D/daemon.log && break; sleep 0.2; done
settle
step reload; reach reload
kill -TERM $(cat $D/k.pid)
for i in $(seq 1 300); do [ -e $D/k.pid ] || break; sleep 0.1; done; sleep 0.5
step stop
for e in 0 1 2; do say "wire eth$e"; cat $D/wire$e; done
say "end"
down
