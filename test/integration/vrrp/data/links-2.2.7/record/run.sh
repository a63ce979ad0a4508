#!/bin/bash
# usage: run.sh NAME CONF SECONDS [setup-cmds-file] [during-cmds-file]
# r1 namespace: eth0 (10.199.0.1/24, fe80 auto), eth1 (10.198.0.1/24); c namespace: peers c0/c1.
set -u
NAME=$1; CONF=$2; SECS=$3; SETUP=${4:-}; DURING=${5:-}
P=lkm$$; R=$P-r1; C=$P-c
OUT=${OUTDIR:-/tmp/links-2.2.7}/$NAME; rm -rf $OUT; mkdir -p $OUT
ip netns add $R; ip netns add $C
ip -n $R link set lo up; ip -n $C link set lo up
ip link add ${P}a netns $R type veth peer name c0 netns $C
ip link add ${P}b netns $R type veth peer name c1 netns $C
ip -n $R link set ${P}a name eth0; ip -n $R link set ${P}b name eth1
for i in eth0 eth1; do ip netns exec $R sysctl -qw net.ipv6.conf.$i.accept_dad=0; done
for i in c0 c1; do ip netns exec $C sysctl -qw net.ipv6.conf.$i.accept_dad=0; done
ip -n $R addr add 10.199.0.1/24 dev eth0; ip -n $R addr add 10.198.0.1/24 dev eth1
ip -n $C addr add 10.199.0.10/24 dev c0; ip -n $C addr add 10.198.0.10/24 dev c1
for i in eth0 eth1; do ip -n $R link set $i up; done; for i in c0 c1; do ip -n $C link set $i up; done
[ -n "$SETUP" ] && R=$R C=$C bash $SETUP
sleep 0.5
ip netns exec $C tcpdump -i c0 -n -tt -e -l --immediate-mode 'arp or icmp6 or proto 112' > $OUT/c0.pcap.txt 2>/dev/null &
T0=$!
ip netns exec $C tcpdump -i c1 -n -tt -e -l --immediate-mode 'arp or icmp6 or proto 112' > $OUT/c1.pcap.txt 2>/dev/null &
T1=$!
sleep 0.5
date +%s.%N > $OUT/start
ip netns exec $R keepalived -n -l -D -f $CONF -p $OUT/pid -r $OUT/vpid -c $OUT/cpid > $OUT/log 2>&1 &
K=$!
if [ -n "$DURING" ]; then R=$R C=$C OUT=$OUT bash $DURING; else sleep $SECS; fi
ip -n $R -d link > $OUT/link.txt; ip -n $R -d addr > $OUT/addr.txt
ip netns exec $R ss -w -a -m -n -p > $OUT/ss.txt 2>&1
kill -TERM $K; wait $K
sleep 0.3
kill $T0 $T1; wait $T0 $T1 2>/dev/null
ip -n $R -d link > $OUT/link-after.txt
ip netns del $R; ip netns del $C
echo done $OUT
