#!/bin/bash
# Records what Debian's keepalived 2.2.7 does with static_ipaddress, static_routes, static_rules,
# virtual_routes and virtual_rules: kernel state (addresses, routes and rules of both families)
# and its log at each step, in two network namespaces made here and deleted on exit.
#   r1 (subject): eth0 10.199.0.1/24 fd00:199::1/64 to r2, lan1 10.50.0.1/24 fd00:50::1/64, lan2 10.60.0.1/24
#   r2 (peer):    eth0 10.199.0.2/24, priority 200 over r1's 100, same VRID
# Usage (root): measure-2.2.7.sh OUTDIR    -> OUTDIR/NN-step.txt (ip text), NN-step.json (ip -j), r1.log
#   R1_IMPL=ours runs our VRRP process (test/integration/vrrp/run-ours.ts) as r1 instead, for comparison.
set -u
OUT=${1:?usage: $0 OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/measure-conf.sh"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
P=krtm-$$; R1=$P-r1; R2=$P-r2; TMP=$(mktemp -d /tmp/krtm-$$-XXXXXX)
KA=/usr/sbin/keepalived

cleanup() {
  for n in r1 r2; do [ -f "$TMP/$n.pid" ] && kill -KILL "$(cat "$TMP/$n.pid")" 2>/dev/null; done
  for ns in $R1 $R2; do for p in $(ip netns pids $ns 2>/dev/null); do kill -KILL $p 2>/dev/null; done; ip netns del $ns 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

x1() { ip netns exec $R1 "$@"; }
log() { echo "=== $*" >> "$OUT/r1.log"; }

ip netns add $R1; ip netns add $R2
ip link add kr$$a type veth peer name kr$$b
ip link set kr$$a netns $R1; ip link set kr$$b netns $R2
x1 ip link set kr$$a name eth0; ip netns exec $R2 ip link set kr$$b name eth0
for ns in $R1 $R2; do
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip netns exec $ns ip link set lo up; ip netns exec $ns ip link set eth0 up
done
x1 ip link add lan1 type veth peer name lan1p; x1 ip link add lan2 type veth peer name lan2p
for i in lan1 lan1p lan2 lan2p; do x1 ip link set $i up; done
x1 ip addr add 10.199.0.1/24 dev eth0; x1 ip addr add fd00:199::1/64 dev eth0 nodad
x1 ip addr add 10.50.0.1/24 dev lan1; x1 ip addr add fd00:50::1/64 dev lan1 nodad
x1 ip addr add 10.60.0.1/24 dev lan2
ip netns exec $R2 ip addr add 10.199.0.2/24 dev eth0

snap() { # NAME: kernel state of r1
  { echo "### ip -d addr"; x1 ip -d addr
    echo "### ip route show table all"; x1 ip route show table all
    echo "### ip -6 route show table all"; x1 ip -6 route show table all
    echo "### ip rule"; x1 ip rule
    echo "### ip -6 rule"; x1 ip -6 rule; } > "$OUT/$1.txt"
  jq -n --argjson a "$(x1 ip -j addr)" --argjson r4 "$(x1 ip -j route show table all)" --argjson r6 "$(x1 ip -j -6 route show table all)" \
        --argjson u4 "$(x1 ip -j rule)" --argjson u6 "$(x1 ip -j -6 rule)" '{addr:$a, route4:$r4, route6:$r6, rule4:$u4, rule6:$u6}' > "$OUT/$1.json"
  log "snapshot $1"
}
start() { # NAME CONF
  conf_$1 ${2:-initial} > "$TMP/$1.conf"; cp "$TMP/$1.conf" "$OUT/$1-${2:-initial}.conf"
  if [ "$1" = r1 ] && [ "${R1_IMPL:-}" = ours ]; then
    ip netns exec $P-$1 node --import tsx "$HERE/../run-ours.ts" "$TMP/$1.conf" >> "$OUT/$1.log" 2>&1 &
    echo $! > "$TMP/$1.pid"
  else
    ip netns exec $P-$1 $KA -n -l -D -f "$TMP/$1.conf" -p "$TMP/$1.pid" -r "$TMP/$1.vpid" -c "$TMP/$1.cpid" >> "$OUT/$1.log" 2>&1 &
  fi
}
waitlog() { # FILE REGEX AFTER-LINE TIMEOUT-S
  local t=0; while ! tail -n +"$3" "$1" | grep -q -- "$2"; do sleep 0.1; t=$((t+1)); [ $t -gt $(($4*10)) ] && { echo "timeout waiting for $2 in $1" >&2; return 1; }; done
}
mark() { wc -l < "$OUT/r1.log"; }
stop() { kill -TERM "$(cat "$TMP/$1.pid")"; local t=0; while kill -0 "$(cat "$TMP/$1.pid")" 2>/dev/null; do sleep 0.1; t=$((t+1)); [ $t -gt 100 ] && break; done; rm -f "$TMP/$1.pid"; }

: > "$OUT/r1.log"; : > "$OUT/r2.log"
# 0: leftovers from an earlier run, before r1 starts
x1 ip rule add from 10.202.1.0/24 table 100 preference 100
x1 ip route add 10.201.1.0/24 via 10.50.0.254 dev lan1 proto 18
x1 ip route add 10.203.1.0/24 via 10.199.0.254 dev eth0 proto 18
x1 ip rule add to 10.202.2.0/24 lookup 200 priority 101 protocol 18
x1 ip rule add from 10.204.1.0/24 table 100 preference 200 protocol 18
snap 00-before-start
start r2; waitlog "$OUT/r2.log" "Entering MASTER STATE" 1 20
m=$(mark); log "step 01: start r1 (r2 is MASTER)"; start r1
waitlog "$OUT/r1.log" "Entering BACKUP STATE" $m 40; sleep 2; snap 01-backup-start
m=$(mark); log "step 02: SIGTERM r2"; stop r2
waitlog "$OUT/r1.log" "Entering MASTER STATE" $m 10; sleep 1; snap 02-master
m=$(mark); log "step 03: start r2 again"; start r2
waitlog "$OUT/r1.log" "Entering BACKUP STATE" $m 15; sleep 1; snap 03-backup-again
m=$(mark); log "step 04: SIGTERM r2 again"; stop r2
waitlog "$OUT/r1.log" "Entering MASTER STATE" $m 10; sleep 1; snap 04-master-again
m=$(mark); log "step 05: SIGHUP r1 with one route / rule of each kind removed and one added"
conf_r1 reload > "$TMP/r1.conf"; cp "$TMP/r1.conf" "$OUT/r1-reload.conf"; kill -HUP "$(cat "$TMP/r1.pid")"
waitlog "$OUT/r1.log" "Reload finished\|Reload complete" $m 10; sleep 3; snap 05-reload-master
m=$(mark); log "step 06: ip route del 10.203.1.0/24 (tracked virtual route, dev eth0) on MASTER"
x1 ip route del 10.203.1.0/24; sleep 4; snap 06-vroute-deleted
log "step 07: ip route del 10.203.4.0/24 (no_track virtual route)"
x1 ip route del 10.203.4.0/24; sleep 2; snap 07-vroute-notrack-deleted
log "step 08: ip rule del preference 200 (virtual rule)"
x1 ip rule del preference 200; sleep 4; snap 08-vrule-deleted
log "step 09: ip route del 10.201.1.0/24 (static route, dev lan1)"
x1 ip route del 10.201.1.0/24; sleep 2; snap 09-sroute-deleted
log "step 10: ip -6 route del fd00:201:1::/64 (static IPv6 route)"
x1 ip -6 route del fd00:201:1::/64; sleep 2; snap 10-sroute6-deleted
log "step 11: ip rule del preference 101 (static rule)"
x1 ip rule del preference 101; sleep 2; snap 11-srule-deleted
log "step 12: ip addr del 192.168.201.1/24 dev lan1 (static address)"
x1 ip addr del 192.168.201.1/24 dev lan1; sleep 2; snap 12-saddr-deleted
log "step 13: ip addr del 192.168.201.3/32 dev lan1 (no_track static address)"
x1 ip addr del 192.168.201.3/32 dev lan1; sleep 2; snap 13-saddr-notrack-deleted
log "step 14: ip link set lan2 down (virtual route dev lan2, virtual rule iif lan2)"
x1 ip link set lan2 down; sleep 3; snap 14-lan2-down
log "step 15: ip link set lan2 up"
x1 ip link set lan2 up; sleep 6; snap 15-lan2-up
log "step 16: ip link set lan1 down (static routes and addresses on lan1)"
x1 ip link set lan1 down; sleep 3; snap 16-lan1-down
log "step 17: ip link set lan1 up"
x1 ip link set lan1 up; sleep 4; snap 17-lan1-up
log "step 18: ip link set eth0 down (instance interface)"
x1 ip link set eth0 down; sleep 3; snap 18-eth0-down
log "step 19: ip link set eth0 up"
x1 ip link set eth0 up; sleep 6; snap 19-eth0-up
m=$(mark); log "step 20: start r2 again"; start r2
waitlog "$OUT/r1.log" "Entering BACKUP STATE" $m 15; sleep 1; snap 20-backup
m=$(mark); log "step 21: SIGHUP r1 back to the initial config while BACKUP"
conf_r1 initial > "$TMP/r1.conf"; kill -HUP "$(cat "$TMP/r1.pid")"
waitlog "$OUT/r1.log" "Reload finished\|Reload complete" $m 10; sleep 3; snap 21-reload-backup
m=$(mark); log "step 22: SIGTERM r2"; stop r2
waitlog "$OUT/r1.log" "Entering MASTER STATE" $m 10; sleep 1; snap 22-master-after-reload
log "step 23: SIGTERM r1"; stop r1; sleep 1; snap 23-after-stop
