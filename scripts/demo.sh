#!/usr/bin/env bash
# Runs the daemon in the foreground on conf/keepalived.conf inside network namespaces of its own,
# so nothing it does (VIP, VRRP adverts, gratuitous ARP, health checks) reaches a real network:
#   kdemo-dir  the director: eth0 (VRRP + VIP) and eth1 (tracked), both veths into kdemo-lan
#   kdemo-lan  the LAN: a bridge, and the two web servers 198.51.100.21 / .22 (python3 http.server)
# Ctrl-C stops the daemon (priority 0 advert, VIP removed) and deletes the namespaces.
# Needs root (network namespaces). Extra arguments go to keepalived (default: -n -l -D).
set -euo pipefail
cd "$(dirname "$0")/.."
D=kdemo-dir L=kdemo-lan
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del $D 2>/dev/null || true
  ip netns del $L 2>/dev/null || true
}
trap cleanup EXIT INT TERM
cleanup
ip netns add $D; ip netns add $L
ip -n $L link add br0 type bridge; ip -n $L link set br0 up; ip -n $L link set lo up
for i in 0 1; do
  ip link add kdemo$i type veth peer name kdemop$i
  ip link set kdemo$i netns $D; ip link set kdemop$i netns $L
  ip -n $D link set kdemo$i name eth$i; ip -n $D link set eth$i up
  ip -n $L link set kdemop$i master br0; ip -n $L link set kdemop$i up
done
ip -n $D link set lo up
ip -n $D addr add 198.51.100.2/24 dev eth0
ip -n $L addr add 198.51.100.21/24 dev br0; ip -n $L addr add 198.51.100.22/24 dev br0
mkdir -p /tmp/kdemo-www && echo "keepalived-ts demo real server" > /tmp/kdemo-www/index.html
ip netns exec $L python3 -m http.server --bind 198.51.100.21 80 --directory /tmp/kdemo-www >/dev/null 2>&1 & pids+=($!)
ip netns exec $L python3 -m http.server --bind 198.51.100.22 80 --directory /tmp/kdemo-www >/dev/null 2>&1 & pids+=($!)
[ $# -gt 0 ] || set -- -n -l -D
echo "demo: director namespace $D, LAN namespace $L; Ctrl-C to stop" >&2
ip netns exec $D bin/keepalived -f conf/keepalived.conf -p /run/kdemo.pid -r /run/kdemo_vrrp.pid -c /run/kdemo_checkers.pid "$@" & pids+=($!)
wait "${pids[-1]}" || true
