ip netns exec $C keepalived -n -l -f $(dirname $0)/log-unknown-vrids-peer.conf -p $OUT/ppid -r $OUT/pvpid -c $OUT/pcpid > $OUT/peerlog 2>&1 &
P=$!
sleep 7
kill $P; wait $P
