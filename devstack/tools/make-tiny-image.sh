#!/bin/bash
# Build a tiny bootable guest for nova_lite labs, from Debian packages only.
#
#   make-tiny-image.sh [OUTDIR]
#
# Writes OUTDIR/tiny-vmlinuz (the Debian amd64 kernel, taken from the
# linux-image .deb without installing it), OUTDIR/tiny-vmlinux (the same
# kernel uncompressed: an ELF that QEMU boots through its PVH entry point,
# which under TCG takes about half the CPU time of the bzImage, ~5 s
# instead of ~11 s to /init, as the decompressor is skipped) and
# OUTDIR/tiny-initrd.img (a gzip'd newc cpio holding busybox-static and an
# /init script). OUTDIR defaults to $NOVA_LITE_TINY_DIR or
# /var/lib/nova_lite/tiny.
#
# The guest's /init mounts proc, sys and dev, sets the hostname from the
# kernel command line argument nova_lite_hostname=<name> (the libvirt
# driver appends it when it boots an image by kernel), prints
#   NOVA_LITE_GUEST_UP <hostname>
# on its console (boot with console=ttyS0 to get it on the serial log) and
# then stays up. No network access beyond the Debian archive is needed.
#
# Idempotent: nothing is rebuilt when the outputs exist, and the kernel
# .deb is kept in OUTDIR/.work between runs.
#
# Needs: apt-get (with package lists: run 'apt-get update' once),
# dpkg-deb, cpio, gzip, xz and busybox-static (/bin/busybox).
set -euo pipefail

OUTDIR=${1:-${NOVA_LITE_TINY_DIR:-/var/lib/nova_lite/tiny}}
WORKDIR=$OUTDIR/.work
KERNEL_OUT=$OUTDIR/tiny-vmlinuz
VMLINUX_OUT=$OUTDIR/tiny-vmlinux
INITRD_OUT=$OUTDIR/tiny-initrd.img
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Progress goes to stderr: stdout of helpers carries their results.
log() {
    echo "make-tiny-image: $*" >&2
}

die() {
    echo "make-tiny-image: ERROR: $*" >&2
    exit 1
}

# The versioned kernel package linux-image-amd64 depends on, e.g.
# linux-image-6.1.0-56-amd64 (the metapackage itself holds no kernel).
kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

fetch_kernel_deb() {
    local pkg deb
    pkg=$(kernel_package)
    if [ -z "$pkg" ]; then
        die "no linux-image-amd64 candidate; run 'apt-get update' first"
    fi
    deb=$(ls "$WORKDIR"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$deb" ]; then
        log "downloading $pkg (about 70 MB)"
        (cd "$WORKDIR" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
            "$pkg" >/dev/null)
        deb=$(ls "$WORKDIR"/"${pkg}"_*.deb | head -n1)
    else
        log "using cached $(basename "$deb")"
    fi
    echo "$deb"
}

build_kernel() {
    local deb tree vmlinuz
    [ -s "$KERNEL_OUT" ] && { log "kernel exists: $KERNEL_OUT"; return; }
    deb=$(fetch_kernel_deb)
    tree=$WORKDIR/kernel-tree
    rm -rf "$tree"
    mkdir -p "$tree"
    log "extracting vmlinuz from $(basename "$deb")"
    dpkg-deb -x "$deb" "$tree"
    vmlinuz=$(ls "$tree"/boot/vmlinuz-* | head -n1)
    [ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in $deb"
    cp "$vmlinuz" "$KERNEL_OUT.tmp"
    mv "$KERNEL_OUT.tmp" "$KERNEL_OUT"
    rm -rf "$tree"
    log "kernel ready: $KERNEL_OUT"
}

# Byte offset of the first xz stream magic (FD 37 7A 58 5A 00) in $1.
xz_offset() {
    LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n1 | cut -d: -f1
}

# The bzImage's payload (Debian amd64 kernels are xz-compressed, see
# CONFIG_KERNEL_XZ in the package's /boot/config-*) decompressed: vmlinux.
build_vmlinux() {
    local offset
    [ -s "$VMLINUX_OUT" ] && { log "vmlinux exists: $VMLINUX_OUT"; return; }
    offset=$(xz_offset "$KERNEL_OUT")
    [ -n "$offset" ] || die "no xz payload in $KERNEL_OUT"
    log "decompressing the kernel payload (xz at byte $offset)"
    # xz stops reading after the stream: tail may then die of SIGPIPE.
    { tail -c +"$((offset + 1))" "$KERNEL_OUT" || true; } |
        xz -dc --single-stream >"$VMLINUX_OUT.tmp"
    if [ "$(head -c 4 "$VMLINUX_OUT.tmp" | od -An -tx1 | tr -d ' ')" != \
            7f454c46 ]; then
        rm -f "$VMLINUX_OUT.tmp"
        die "the payload of $KERNEL_OUT is not an ELF kernel"
    fi
    mv "$VMLINUX_OUT.tmp" "$VMLINUX_OUT"
    log "vmlinux ready: $VMLINUX_OUT ($(stat -c %s "$VMLINUX_OUT") bytes)"
}

write_init() {
    cat >"$1" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
name=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        nova_lite_hostname=*) name=${arg#nova_lite_hostname=} ;;
    esac
done
[ -n "$name" ] && hostname "$name"
echo "NOVA_LITE_GUEST_UP $(hostname)"
while true; do
    sleep 3600
done
EOF
    chmod 0755 "$1"
}

build_initrd() {
    local root
    [ -s "$INITRD_OUT" ] && { log "initrd exists: $INITRD_OUT"; return; }
    [ -x "$BUSYBOX" ] || die "$BUSYBOX missing: apt-get install busybox-static"
    root=$WORKDIR/initrd-root
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc}
    cp "$BUSYBOX" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    write_init "$root/init"
    log "packing initramfs (busybox-static + /init)"
    (cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) \
        >"$INITRD_OUT.tmp"
    mv "$INITRD_OUT.tmp" "$INITRD_OUT"
    rm -rf "$root"
    log "initrd ready: $INITRD_OUT ($(stat -c %s "$INITRD_OUT") bytes)"
}

main() {
    if [ -s "$KERNEL_OUT" ] && [ -s "$VMLINUX_OUT" ] && [ -s "$INITRD_OUT" ]
    then
        log "already built: $KERNEL_OUT $VMLINUX_OUT $INITRD_OUT"
        return
    fi
    mkdir -p "$WORKDIR"
    build_kernel
    build_vmlinux
    build_initrd
    log "done: $KERNEL_OUT $VMLINUX_OUT $INITRD_OUT"
}

main
