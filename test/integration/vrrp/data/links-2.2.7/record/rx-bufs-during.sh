sleep 2
python3 $(dirname $0)/rcvbuf.py $(cat $OUT/vpid) > $OUT/rcvbuf.txt 2>&1
