#!/bin/bash
# Recording run in the qemu IPVS guest (scripts/vm/run.sh REPO bash test/vm/data/record-rs-init-ipvs-ns.sh OUT):
# keepalived 2.2.7 and our bin/keepalived (dist/: npm run build first) as checkers (-C) on the same
# config: rs_init_notifies (notify_up scripts and notify_fifo lines at start), net_namespace_ipvs NS
# (which namespace's IPVS table gets the service), the lvs_netlink_* buffer keywords (strace of
# 2.2.7's setsockopt calls, with and without ha_suspend), and a net_namespace_ipvs that does not exist.
set -u
OUT=${1:?OUT dir (absolute)}
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
ip link set lo up
ip netns add ipvsns
ip -n ipvsns link set lo up
# notify_up scripts log to the guest's /tmp (copied to OUT at the end)
cat > up.sh <<EOF
#!/bin/sh
echo "\$*" >> /tmp/notify-\$1.log
EOF
chmod 755 up.sh

conf() { # KIND NETNS_IPVS EXTRA_GLOBAL EXTRA_VS
  cat <<EOF
${2:+net_namespace_ipvs $2}
global_defs {
  router_id vm$1
  rs_init_notifies
  notify_fifo /tmp/fifo-$1
  lvs_netlink_cmd_rcv_bufs 300000
  lvs_netlink_cmd_rcv_bufs_force
  lvs_netlink_monitor_rcv_bufs 400000
$3}
virtual_server 10.0.0.100 80 {
  delay_loop 30
  lb_algo rr
  lb_kind NAT
  protocol TCP
$4  real_server 10.0.0.2 80 {
    notify_up "$OUT/up.sh $1 10.0.0.2"
    MISC_CHECK {
      misc_path /bin/true
    }
  }
  real_server 10.0.0.3 80 {
    notify_up "$OUT/up.sh $1 10.0.0.3"
    MISC_CHECK {
      misc_path /bin/false
      alpha
    }
  }
  real_server 10.0.0.4 80 {
    notify_up "$OUT/up.sh $1 10.0.0.4"
  }
}
EOF
}

# run KIND CONF WAIT_CMD: starts the checker, waits, records IPVS tables in both namespaces, stops
run() {
  local kind=$1 cf=$2 wait=$3 pid
  # FIFOs on the guest's own /tmp (9p has none)
  mkfifo "/tmp/fifo-$kind"; cat "/tmp/fifo-$kind" > "fifo-$kind.out" &
  local cat=$!
  if [ "${kind#ka}" != "$kind" ]; then
    strace -f -qq -e trace=socket,setsockopt,close -o "strace-$kind.txt" keepalived -C -n -l -D -f "$cf" -p "$OUT/$kind.pid" -c "$OUT/$kind.cpid" > "$kind.log" 2>&1 &
  else
    node --expose-internals "$REPO/bin/keepalived" -C -n -l -D -f "$cf" -p "$OUT/$kind.pid" -c "$OUT/$kind.cpid" > "$kind.log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1 600); do eval "$wait" && break; sleep 0.2; done
  sleep 2
  ipvsadm -Ln > "ipvs-root-$kind.txt" 2>&1
  ip netns exec ipvsns ipvsadm -Ln > "ipvs-ns-$kind.txt" 2>&1
  kill "$(cat "$OUT/$kind.pid" 2>/dev/null || echo $pid)" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done
  kill $cat 2>/dev/null
  ipvsadm -C; ip netns exec ipvsns ipvsadm -C
}

conf ka ipvsns "" "" > ka.conf
run ka ka.conf 'ip netns exec ipvsns ipvsadm -Ln | grep -q 10.0.0.4'
conf kaha "" "" "  ha_suspend
" > kaha.conf
run kaha kaha.conf 'grep -q "Startup complete" kaha.log'
conf kaplain "" "" "" > kaplain.conf
run kaplain kaplain.conf 'ipvsadm -Ln | grep -q 10.0.0.4'
conf kabad nosuchns "" "" > kabad.conf
run kabad kabad.conf 'grep -q "Stopped\|exited" kabad.log'
conf ours ipvsns "" "" > ours.conf
run ours ours.conf 'ip netns exec ipvsns ipvsadm -Ln | grep -q 10.0.0.4'
conf oursbad nosuchns "" "" > oursbad.conf
run oursbad oursbad.conf 'grep -q "Initializing ipvs" oursbad.log && sleep 3'
ip netns del ipvsns
cp /tmp/notify-*.log "$OUT"/ 2>/dev/null
echo done
