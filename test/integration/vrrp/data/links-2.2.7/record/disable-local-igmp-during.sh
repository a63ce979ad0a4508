ip netns exec $R sysctl net.ipv4.igmp_link_local_mcast_reports > $OUT/igmp-before
sleep 2
ip netns exec $R sysctl net.ipv4.igmp_link_local_mcast_reports > $OUT/igmp-during
ip netns exec $R ss -w -a -m -n -p > $OUT/ss-during.txt 2>&1
sleep 1
