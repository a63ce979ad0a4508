#!/usr/bin/env bash
# run.sh — run a command inside a throw-away QEMU VM whose (Debian) kernel has IPVS,
# with a host directory shared into it over 9p, and return the command's output and exit code.
#
# usage: run.sh [options] HOSTDIR [--] COMMAND [ARGS...]
#   HOSTDIR is mounted read-write at the same absolute path in the guest, and is the cwd.
#   One COMMAND word  -> run as a /bin/sh script text:   run.sh . 'ipvsadm -Ln && node t.js'
#   Several words     -> exec'd as an argv (quoted):      run.sh . node test/ipvs.js --x
# options:
#   -e NAME=VALUE       export NAME in the guest (repeatable)
#   -m MODULE           modprobe MODULE too, after the default IPVS set (repeatable)
#   -s HOST[:GUEST]     share another host dir (default GUEST = HOST) (repeatable)
#   -t SECONDS          whole-VM timeout (default 300); exit 124 when hit
#   -v                  print the guest's kernel console log to stderr at the end
# env:
#   IPVS_VM_CACHE       where build.sh puts vmlinux, initramfs.cpio, sysroot/ (default
#                       <repo>/.cache/vm); built on first use (see IPVS_VM_AUTOBUILD)
#   IPVS_VM_ACCEL       auto (default) | kvm | tcg
#   IPVS_VM_MEM         guest RAM in MiB (default 1024; 160 was enough for node -e)
#   IPVS_VM_CPUS        guest vCPUs (default 2)
#   IPVS_VM_MODULES     modules loaded before the command (default: ip_vs + all schedulers + dummy)
#   IPVS_VM_9P_OPTS     extra 9p mount options for the shared dirs (e.g. cache=loose)
#   IPVS_VM_TIMING=1    print boot/command/total timings to stderr
#   IPVS_VM_KERNEL_ARGS extra kernel command line (e.g. loglevel=7 to see the whole boot with -v)
#   IPVS_VM_AUTOBUILD=0 don't run build.sh when the cache is missing/outdated
#   IPVS_VM_PVH=0       boot the compressed vmlinuz instead of vmlinux (~5 s slower under TCG)
# exit status: the command's; 124 timeout; 125 the VM failed before reporting a status.
# The guest has no network device (-nic none). The command's stdout and stderr come back on this
# script's stdout and stderr, live (written by the guest to files on a 9p share, followed with
# tail -f); their relative order is not kept.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${IPVS_VM_CACHE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache/vm}
export IPVS_VM_CACHE=$CACHE
ACCEL=${IPVS_VM_ACCEL:-auto}
MEM=${IPVS_VM_MEM:-1024}
CPUS=${IPVS_VM_CPUS:-2}
MODULES=${IPVS_VM_MODULES:-ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh dummy}
TIMEOUT=300
VERBOSE=0
log() { printf '[run-in-ipvs-vm] %s\n' "$*" >&2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

envs=() shares=()
while getopts 'e:m:s:t:vh' o; do
  case $o in
    e) [[ $OPTARG == [A-Za-z_]*=* ]] || { log "-e wants NAME=VALUE"; exit 2; }; envs+=("$OPTARG") ;;
    m) MODULES+=" $OPTARG" ;;
    s) shares+=("$OPTARG") ;;
    t) TIMEOUT=$OPTARG ;;
    v) VERBOSE=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
(($# >= 2)) || usage
DIR=$(realpath -e "$1") || { log "no such directory: $1"; exit 2; }
[[ -d $DIR && $DIR != / ]] || { log "HOSTDIR must be a directory other than /"; exit 2; }
shift
[[ ${1:-} == -- ]] && shift
(($# >= 1)) || usage

# ---------------------------------------------------------------- kernel + initramfs
if [[ ${IPVS_VM_AUTOBUILD:-1} == 1 ]]; then
  mkdir -p "$CACHE"
  # serialise concurrent runs that would (re)build the same cache
  IPVS_VM_QUIET=1 flock "$CACHE/.lock" "$HERE/build.sh" >&2 || { log "build.sh failed"; exit 125; }
fi
# The guest reads the cache while it runs (the sysroot over 9p): hold a shared lock on it until the
# end, so that a rebuild by another run (build.sh wants it exclusively) fails at once with a message
# instead of replacing files under this guest. Many runs at once share it; each has its own ctl dir.
exec {INUSE}<>"$CACHE/.inuse"
flock -s "$INUSE"
KERNEL=$CACHE/vmlinux; [[ ${IPVS_VM_PVH:-1} == 1 && -f $KERNEL ]] || KERNEL=$CACHE/vmlinuz
INITRD=$CACHE/initramfs.cpio
[[ -f $KERNEL && -f $INITRD && -d $CACHE/sysroot ]] || { log "no kernel/initramfs/sysroot in $CACHE: run build.sh"; exit 125; }

# ---------------------------------------------------------------- accelerator
kvm_ok() { # $1 = -cpu value; starts a paused VM and quits it: fails fast if KVM can't run it
  [[ -r /dev/kvm && -w /dev/kvm ]] || return 1
  ( echo quit | timeout 20 qemu-system-x86_64 -accel kvm -cpu "$1" -M q35 -nodefaults -no-user-config \
    -display none -S -monitor stdio -serial none ) >/dev/null 2>&1
}
# KVM only where the CPU shows hardware virtualisation (vmx/svm). A /dev/kvm without it (e.g. the
# kvm_pvm software hypervisor on these CI VMs) opens fine but runs a stock kernel at a crawl and
# then dies with "KVM internal error ... emulation failure" (lock cmpxchg16b), so auto = TCG there.
hw_virt() { grep -qwE 'vmx|svm' /proc/cpuinfo; }
accel_args=()
if [[ $ACCEL == kvm ]] && ! hw_virt; then
  log "warning: no vmx/svm in /proc/cpuinfo; /dev/kvm is likely a software hypervisor" \
      "($(ls -d /sys/module/kvm_* 2>/dev/null | xargs -rn1 basename | tr '\n' ' ')): a stock kernel may hang"
fi
if [[ $ACCEL == kvm ]] || { [[ $ACCEL == auto ]] && hw_virt; }; then
  for cpu in host host,-arch-capabilities; do   # the 2nd: nested KVM that rejects MSR 0x10a
    if kvm_ok "$cpu"; then accel_args=(-accel kvm -cpu "$cpu"); break; fi
  done
  if ((${#accel_args[@]} == 0)); then
    [[ $ACCEL == kvm ]] && { log "KVM requested but not usable"; exit 125; }
  fi
fi
((${#accel_args[@]})) || accel_args=(-accel tcg,thread=multi -cpu max)

# ---------------------------------------------------------------- control dir
CTL=$(mktemp -d "${TMPDIR:-/tmp}/ipvs-vm.XXXXXX")
QPID= TPID1= TPID2=
cleanup() {
  local p
  for p in $QPID $TPID1 $TPID2; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$CTL"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }   # single-quote for /bin/sh
mounts=("work:$DIR")
virtfs=(-virtfs "local,path=$DIR,mount_tag=work,security_model=none,multidevs=remap,id=work")
n=0
for s in "${shares[@]}"; do
  h=${s%%:*}; g=${s#*:}; h=$(realpath -e "$h"); [[ $s == *:* ]] || g=$h
  n=$((n + 1)); mounts+=("s$n:$g")
  virtfs+=(-virtfs "local,path=$h,mount_tag=s$n,security_model=none,multidevs=remap,id=s$n")
done
{
  echo "VM_WORKDIR=$(q "$DIR")"
  echo "VM_MODULES=$(q "$MODULES")"
  echo "VM_MOUNTS=$(q "${mounts[*]}")"
  echo "VM_9P_OPTS=$(q "${IPVS_VM_9P_OPTS:-}")"
  for e in "${envs[@]}"; do echo "export ${e%%=*}=$(q "${e#*=}")"; done
} > "$CTL/env"
{
  if (($# == 1)); then
    printf '%s\n' "$1"
  else
    printf 'exec'; for a in "$@"; do printf ' %s' "$(q "$a")"; done; echo
  fi
} > "$CTL/cmd.user"
# wrapper: record the guest uptime when the user command starts
{
  echo 'cut -d" " -f1 /proc/uptime > /run/ctl/t_start'
  echo '/bin/sh /run/ctl/cmd.user; rc=$?'
  echo 'cut -d" " -f1 /proc/uptime > /run/ctl/t_end'
  echo 'exit $rc'
} > "$CTL/cmd"

# ---------------------------------------------------------------- boot
: > "$CTL/stdout"; : > "$CTL/stderr"
T0=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
  -nodefaults -no-user-config -display none -vga none -nic none -no-reboot \
  -M q35 "${accel_args[@]}" -smp "$CPUS" -m "$MEM" \
  -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init mitigations=off cryptomgr.notests no_timer_check ${IPVS_VM_KERNEL_ARGS:-}" \
  -serial "file:$CTL/console.log" \
  -device virtio-rng-pci \
  -virtfs "local,path=$CTL,mount_tag=ctl,security_model=none,id=ctl" \
  -virtfs "local,path=$CACHE/sysroot,mount_tag=sys,security_model=none,readonly=on,id=sys" \
  "${virtfs[@]}" </dev/null >"$CTL/qemu.log" 2>&1 &
QPID=$!
# stream the command's output live (the guest appends to ctl/stdout and ctl/stderr over 9p)
tail -q -s 0.1 --pid="$QPID" -c +1 -f "$CTL/stdout" & TPID1=$!
tail -q -s 0.1 --pid="$QPID" -c +1 -f "$CTL/stderr" >&2 & TPID2=$!
set +e
wait "$QPID"; qrc=$?
wait "$TPID1" "$TPID2"
set -e
QPID= TPID1= TPID2=
T1=$(date +%s.%N)

if [[ $VERBOSE == 1 && -f $CTL/console.log ]]; then
  log "---- guest console ----"; cat "$CTL/console.log" >&2; log "---- end ----"
fi
if [[ $qrc == 124 || $qrc == 137 ]]; then
  log "timeout after ${TIMEOUT}s"; tail -n 20 "$CTL/console.log" >&2 2>/dev/null || true; exit 124
fi
if [[ ! -f $CTL/rc ]]; then
  log "VM ended without a status (qemu exit $qrc)"; cat "$CTL/qemu.log" >&2 2>/dev/null || true
  log "console tail:"
  tail -n 30 "$CTL/console.log" >&2 2>/dev/null || true
  exit 125
fi
rc=$(cat "$CTL/rc")
if [[ ${IPVS_VM_TIMING:-0} == 1 ]]; then
  ts=$(cat "$CTL/t_start" 2>/dev/null || echo 0); te=$(cat "$CTL/t_end" 2>/dev/null || echo 0)
  log "$(awk -v a="$T0" -v b="$T1" -v s="$ts" -v e="$te" -v acc="${accel_args[*]}" \
    'BEGIN{printf "timing: accel=[%s] boot-to-command %.2fs (guest uptime), command %.2fs, total wall %.2fs", acc, s, e-s, b-a}')"
fi
exit "$rc"
