sleep 5
echo "$(date +%s.%N) del" >> $OUT/events
ip -n $R addr del 10.199.0.1/24 dev eth0
sleep 3
echo "$(date +%s.%N) add" >> $OUT/events
ip -n $R addr add 10.199.0.1/24 dev eth0
sleep 3
