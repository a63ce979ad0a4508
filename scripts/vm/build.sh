#!/usr/bin/env bash
# scripts/vm/build.sh — build what scripts/vm/run.sh boots (adapted from the shared qemu-ipvs reference), from Debian packages plus the host's
# own node / ipvsadm / keepalived binaries. Idempotent: does nothing when the cache is current.
#
# Output in $IPVS_VM_CACHE (default <repo>/.cache/vm, the same as run.sh):
#   vmlinux          the Debian kernel, decompressed (ELF: QEMU boots it by PVH, no decompressor)
#   vmlinuz          the same kernel as shipped (bzImage; fallback, IPVS_VM_PVH=0)
#   initramfs.cpio   ~5 MB: busybox-static, /init, /etc, kernel modules (virtio, 9p, IPVS, dummy, veth, bridge,
#                    ipvlan, vrf, macvlan)
#   sysroot/         shared read-only into the guest over 9p at /sysroot: usr/bin/node,
#                    usr/sbin/ipvsadm, usr/sbin/keepalived, tcpdump (when the host has it) and every shared lib `ldd` lists for them
#                    (the initramfs has /usr, /lib64, /lib/x86_64-linux-gnu as symlinks into it)
#   stamp            what the cache was built from
#   dl/*.deb         the kernel package, kept so that a rebuild needs no download
#
# Env:
#   IPVS_VM_CACHE       cache dir
#   IPVS_VM_KERNEL_PKG  Debian kernel package (default: what linux-image-amd64 depends on, resolved
#                       once; the cache then stays on that kernel until IPVS_VM_REFRESH=1)
#   IPVS_VM_REFRESH=1   re-resolve linux-image-amd64 (picks up a newer Debian kernel)
#   IPVS_VM_FORCE=1     rebuild even if the stamp matches
#   IPVS_VM_EXTRA_BINS  more host programs to copy into the sysroot with their libs (space separated)
#   IPVS_VM_NO_APT=1    never apt-get install missing host tools (fail instead)
#   IPVS_VM_QUIET=1     say nothing when the cache is already up to date
#
# Never installs a kernel on the host: the kernel .deb is fetched with `apt-get download` and
# unpacked with `dpkg-deb -x` into a scratch dir of the cache.
set -euo pipefail

CACHE=${IPVS_VM_CACHE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache/vm}
log() { printf '[vm-build] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
trap 'log "failed (line $LINENO, exit $?)"' ERR
T0=$(date +%s.%N)
mkdir -p "$CACHE/dl"

# ---------------------------------------------------------------- host tools
declare -A NEED=(   # program -> Debian package
  [qemu-system-x86_64]=qemu-system-x86 [busybox]=busybox-static [cpio]=cpio [xz]=xz-utils
  [ipvsadm]=ipvsadm [keepalived]=keepalived [dpkg-deb]=dpkg [apt-get]=apt
)
missing=()
for t in "${!NEED[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("${NEED[$t]}"); done
# the guest needs a static busybox (it gets no libs of its own)
if command -v busybox >/dev/null && ldd "$(command -v busybox)" >/dev/null 2>&1; then missing+=(busybox-static); fi
command -v node >/dev/null || die "node is missing: install Node.js 20 first"
if ((${#missing[@]})); then
  [[ ${IPVS_VM_NO_APT:-0} == 1 ]] && die "missing host packages: ${missing[*]}"
  [[ $(id -u) == 0 ]] || die "missing host packages (need root to apt-get install): ${missing[*]}"
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
BUSYBOX=$(command -v busybox)

# ---------------------------------------------------------------- which kernel
resolve_kernel() {
  local k=${IPVS_VM_KERNEL_PKG:-} v
  if [[ -z $k ]]; then
    k=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    if [[ -z $k ]]; then
      log "apt-cache knows no linux-image-amd64; apt-get update"
      apt-get update -qq
      k=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    fi
    [[ -n $k ]] || die "cannot resolve linux-image-amd64"
  fi
  v=$(apt-cache policy "$k" | awk '/Candidate:/{print $2}')
  [[ -n $v && $v != "(none)" ]] || die "apt has no candidate for $k"
  echo "kernel=$k $v"
}
if [[ -f $CACHE/stamp && -z ${IPVS_VM_KERNEL_PKG:-} && ${IPVS_VM_REFRESH:-0} != 1 ]]; then
  KLINE=$(head -1 "$CACHE/stamp")          # stay on the kernel we built with (no apt call)
else
  KLINE=$(resolve_kernel)
fi
read -r KPKG KVER_PKG <<<"${KLINE#kernel=}"

# ---------------------------------------------------------------- up to date?
# dash becomes the guest's /bin/sh (as on Debian) and bash is there for #!/bin/bash scripts: Debian's
# busybox-static shell prefers its own applets over PATH (FEATURE_SH_STANDALONE), so with busybox as
# /bin/sh, `sh -c "ip ..."` (e.g. node's child_process.exec) would run busybox ip, not a copied iproute2.
bins=(node ipvsadm keepalived dash bash ip ${IPVS_VM_EXTRA_BINS:-})
command -v strace >/dev/null && bins+=(strace)
command -v tcpdump >/dev/null && bins+=(tcpdump)
NEWSTAMP=$(
  echo "$KLINE"
  sha256sum "${BASH_SOURCE[0]}" | awk '{print "script " $1}'
  for b in "${bins[@]}" busybox; do p=$(readlink -f "$(command -v "$b")"); stat -c '%n %s %Y' "$p"; done
)
if [[ ${IPVS_VM_FORCE:-0} != 1 && -f $CACHE/stamp && -f $CACHE/vmlinux && -f $CACHE/initramfs.cpio \
      && -x $CACHE/sysroot/usr/bin/node && "$(cat "$CACHE/stamp")" == "$NEWSTAMP" ]]; then
  [[ ${IPVS_VM_QUIET:-0} == 1 ]] || log "up to date: $CACHE"
  exit 0
fi

# ---------------------------------------------------------------- no VM may be using it
# run.sh holds $CACHE/.inuse shared while its guest runs: rebuilding now would replace the sysroot
# under that guest, so refuse at once (the build lock already keeps two builds apart).
exec {INUSE}<>"$CACHE/.inuse"
flock -n -x "$INUSE" || die "$CACHE must be rebuilt but a VM started by scripts/vm/run.sh is using it; run again once it has ended (or set IPVS_VM_CACHE to another directory)"

# Protocol with run.sh, through the 9p share tagged "ctl":
#   ctl/env  sourced: VM_WORKDIR, VM_MODULES, VM_MOUNTS ("tag:path ..."), VM_9P_OPTS, user exports
#   ctl/cmd  run by /bin/sh (= dash from the sysroot) in VM_WORKDIR, stdin /dev/null
#   ctl/stdout, ctl/stderr  the command's output (the host follows them with tail -f). Not a
#            virtio console: hvc pushes 16-byte chunks synchronously, ~5 KB/s under TCG, and adds CRs.
#   ctl/rc   written by the guest: the command's exit status
write_init() {
cat <<'INIT'
#!/bin/busybox sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
ln -sf /proc/self/fd /dev/fd; ln -sf fd/0 /dev/stdin; ln -sf fd/1 /dev/stdout; ln -sf fd/2 /dev/stderr
hostname ipvs-vm
ip link set lo up
say() { echo "[ipvs-vm-init $(cut -d' ' -f1 /proc/uptime)] $*" > /dev/console; }
say "init start"
for m in virtio_pci virtio_rng 9pnet_virtio 9p; do modprobe "$m" || say "modprobe $m failed"; done
m9p() { mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000${3:+,$3}" "$1" "$2"; }
mkdir -p /run/ctl /sysroot
i=0
until m9p ctl /run/ctl 2>/dev/null; do
  i=$((i+1)); [ $i -gt 200 ] && { say "cannot mount the ctl share"; reboot -f; }
  sleep 0.05
done
m9p sys /sysroot ro,cache=loose || say "cannot mount the sysroot share"
. /run/ctl/env
for m in $VM_MODULES; do modprobe "$m" || say "modprobe $m failed"; done
for spec in $VM_MOUNTS; do
  tag=${spec%%:*}; path=${spec#*:}
  mkdir -p "$path" && m9p "$tag" "$path" "$VM_9P_OPTS" || say "mount $tag on $path failed"
done
say "command start"
cd "${VM_WORKDIR:-/}"
/bin/sh /run/ctl/cmd < /dev/null >> /run/ctl/stdout 2>> /run/ctl/stderr
rc=$?
say "command exited $rc"
echo "$rc" > /run/ctl/rc.tmp && mv /run/ctl/rc.tmp /run/ctl/rc
cd /
sync
for spec in $VM_MOUNTS; do umount "${spec#*:}" 2>/dev/null; done
umount /run/ctl 2>/dev/null
reboot -f
INIT
}

# ---------------------------------------------------------------- fetch + unpack the kernel
DEB=$(ls "$CACHE/dl/${KPKG}_${KVER_PKG//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
if [[ -z $DEB ]]; then
  log "apt-get download $KPKG ($KVER_PKG)"
  (cd "$CACHE/dl" && apt-get download -q -o APT::Sandbox::User=root "$KPKG=$KVER_PKG" >&2)
  DEB=$(ls "$CACHE/dl/${KPKG}_"*.deb | head -1)
fi
log "kernel package: $(basename "$DEB")"
rm -rf "$CACHE"/work.*
WORK=$CACHE/work.$$
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/k" "$WORK/new"
dpkg-deb -x "$DEB" "$WORK/k"
MODDIR=$( (ls -d "$WORK"/k/lib/modules/* "$WORK"/k/usr/lib/modules/* 2>/dev/null || true) | head -1)
[[ -n $MODDIR ]] || die "no modules in $DEB"
KVER=$(basename "$MODDIR")
CONFIG=$(ls "$WORK"/k/boot/config-* | head -1)
grep -q '^CONFIG_IP_VS=[ym]' "$CONFIG" || die "$KPKG has no IPVS"
grep -q '^CONFIG_NET_9P_VIRTIO=[ym]' "$CONFIG" || die "$KPKG has no 9p over virtio (Debian's -cloud kernels lack it)"
grep -q '^CONFIG_PVH=y' "$CONFIG" || log "warning: no CONFIG_PVH, only vmlinuz will boot (IPVS_VM_PVH=0)"
log "kernel $KVER"
if [[ $MODDIR == "$WORK/k/usr/lib/modules/"* ]]; then   # newer Debian: modules under /usr/lib
  mkdir -p "$WORK/k/lib/modules" && ln -sfn "$MODDIR" "$WORK/k/lib/modules/$KVER"
fi
"$BUSYBOX" depmod -b "$WORK/k" "$KVER"

# vmlinux out of the bzImage (what the kernel's scripts/extract-vmlinux does, for xz)
NEW=$WORK/new
cp "$WORK"/k/boot/vmlinuz-* "$NEW/vmlinuz"
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$NEW/vmlinuz" | head -1 | cut -d: -f1 || true)
if [[ -n $off ]]; then
  tail -c +$((off + 1)) "$NEW/vmlinuz" | xz -dc 2>/dev/null > "$NEW/vmlinux" || true
fi
if ! [[ -s $NEW/vmlinux && $(head -c4 "$NEW/vmlinux" | od -An -c | tr -d ' ') == 177ELF ]]; then
  log "warning: could not extract vmlinux (not xz?); the runner will boot vmlinuz"; rm -f "$NEW/vmlinux"
fi

# ---------------------------------------------------------------- modules: closure of what we want
# bridge (+ llc, stp): the LVS scenario's namespaces share one L2 segment (test/vm/lvs-scenario.test.ts)
# ipvlan, vrf, macvlan: use_ipvlan / vrf / use_vmac side by side with 2.2.7 (test/vm/links-ipvlan.test.ts)
want=(virtio_pci virtio_rng 9pnet_virtio 9p dummy veth bridge crc32c_generic crc32c_intel nf_conntrack_netlink
  ipvlan vrf macvlan)
for f in "$MODDIR"/kernel/net/netfilter/ipvs/*.ko*; do b=$(basename "$f"); want+=("${b%%.ko*}"); done
awk -v want="${want[*]}" '
  BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { g = w[i]; gsub("-", "_", g); W[g] = 1 } }
  { f = $1; sub(":$", "", f); m = f; sub(".*/", "", m); sub("[.]ko.*", "", m); gsub("-", "_", m)
    if (m in W) { print f; for (i = 2; i <= NF; i++) print $i } }
' "$MODDIR/modules.dep" | sort -u > "$WORK/mods.txt"

# ---------------------------------------------------------------- initramfs tree
R=$WORK/root
mkdir -p "$R"/{bin,sbin,etc/keepalived,proc,sys,dev,tmp,run,root,mnt,var/tmp,var/lib,sysroot,lib}
chmod 1777 "$R/tmp" "$R/var/tmp"
ln -s /run "$R/var/run"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do [[ $a == busybox ]] || ln -sf busybox "$R/bin/$a"; done
ln -sfn /usr/bin/dash "$R/bin/sh"      # resolves once /sysroot is mounted; /init uses busybox sh itself
ln -sfn /usr/bin/bash "$R/bin/bash"
ln -sfn /usr/bin/dash "$R/bin/dash"
for a in modprobe insmod rmmod lsmod depmod modinfo poweroff reboot halt sysctl ip; do ln -sf ../bin/busybox "$R/sbin/$a"; done
ln -s /sysroot/usr "$R/usr"
ln -s /sysroot/lib64 "$R/lib64"
ln -s /sysroot/lib/x86_64-linux-gnu "$R/lib/x86_64-linux-gnu"
while read -r m; do install -D -m 0644 "$MODDIR/$m" "$R/lib/modules/$KVER/$m"; done < "$WORK/mods.txt"
cp "$MODDIR"/modules.builtin* "$MODDIR"/modules.order "$R/lib/modules/$KVER/" 2>/dev/null || true
"$BUSYBOX" depmod -b "$R" "$KVER"
cat > "$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
keepalived_script:x:998:998::/nonexistent:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$R/etc/group" <<'EOF'
root:x:0:
keepalived_script:x:998:
nogroup:x:65534:
EOF
printf '127.0.0.1 localhost ipvs-vm\n::1 localhost\n' > "$R/etc/hosts"
echo ipvs-vm > "$R/etc/hostname"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nservices: files\nprotocols: files\n' > "$R/etc/nsswitch.conf"
for f in /etc/services /etc/protocols; do [[ -f $f ]] && cp "$f" "$R$f"; done
touch "$R/etc/fstab"
ln -s /proc/mounts "$R/etc/mtab"
write_init > "$R/init"; chmod 0755 "$R/init"
(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner 0:0 --quiet) > "$NEW/initramfs.cpio"

# ---------------------------------------------------------------- sysroot (9p, read-only)
S=$NEW/sysroot
mkdir -p "$S/usr/bin" "$S/usr/sbin" "$S/lib/x86_64-linux-gnu" "$S/lib64"
copy_with_libs() {   # host program -> same path in the sysroot, plus what ldd resolves
  local src dst lib
  src=$(command -v "$1") || die "no $1 on the host"
  dst=$src; [[ $dst == /bin/* || $dst == /sbin/* ]] && dst=/usr$dst   # merged-/usr hosts
  install -D -m 0755 "$(readlink -f "$src")" "$S$dst"
  ldd "$src" | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | while read -r lib; do
    case $lib in
      /lib64/*) t=$lib ;;
      /usr/lib/*) t=${lib#/usr} ;;
      *) t=$lib ;;
    esac
    [[ -e $S$t ]] || install -D -m 0755 "$(readlink -f "$lib")" "$S$t"
  done
}
for b in "${bins[@]}"; do copy_with_libs "$b"; done
[[ -e $S/lib64/ld-linux-x86-64.so.2 ]] || install -D -m 0755 "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$S/lib64/ld-linux-x86-64.so.2"
# anything other than lib/x86_64-linux-gnu and lib64 under lib/ would be hidden in the guest
extra=$(cd "$S/lib" && ls | grep -v '^x86_64-linux-gnu$' || true)
[[ -z $extra ]] || log "warning: sysroot/lib/{$extra} is not visible in the guest"

# ---------------------------------------------------------------- swap in
rm -rf "$CACHE/sysroot.old"
[[ -d $CACHE/sysroot ]] && mv "$CACHE/sysroot" "$CACHE/sysroot.old"
mv "$S" "$CACHE/sysroot"
rm -f "$CACHE/vmlinux"
for f in vmlinuz vmlinux initramfs.cpio; do [[ -f $NEW/$f ]] && mv "$NEW/$f" "$CACHE/$f"; done
rm -rf "$CACHE/sysroot.old" "$CACHE"/initramfs.cpio.*
echo "$KVER" > "$CACHE/kernel-release"
echo "$NEWSTAMP" > "$CACHE/stamp"
log "built in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s: kernel $KVER," \
    "initramfs $(du -h "$CACHE/initramfs.cpio" | cut -f1), sysroot $(du -sh "$CACHE/sysroot" | cut -f1)"
