ts() { echo "$(date +%s.%N) $*" >> $OUT/events; }
sleep 5
ts c0 down; ip -n $C link set c0 down; sleep 3; ts c0 up; ip -n $C link set c0 up
sleep 2
ts eth1 admin down; ip -n $R link set eth1 down; sleep 2.5; ts eth1 up; ip -n $R link set eth1 up
sleep 2
