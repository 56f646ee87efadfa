#!/bin/bash
# Build the tiny bootable guest for nova_lite labs, from Debian packages only.
#
#   make-tiny-image.sh [OUTDIR]
#
# Writes into OUTDIR (default $NOVA_LITE_TINY_DIR or /var/lib/nova_lite/tiny):
#
#   tiny-vmlinuz     the Debian amd64 kernel, taken from the linux-image .deb
#                    without installing it
#   tiny-vmlinux     the same kernel uncompressed: an ELF that QEMU boots
#                    through its PVH entry point, which under TCG takes about
#                    half the CPU time of the bzImage (~5 s instead of ~11 s
#                    to /init) as the decompressor is skipped
#   tiny-initrd.img  a gzip'd newc cpio: busybox-static, the kernel modules the
#                    guest needs (virtio, ext4, ISO 9660/vfat, IDE/SATA CD-ROM,
#                    virtio-net, virtio RNG, bochs VGA framebuffer, ACPI
#                    power button; Debian builds them as
#                    modules) and an /init that mounts the root disk (root=,
#                    default /dev/vda, ext4) and switch_roots into it; without
#                    a root disk it sets the hostname from the kernel command
#                    line (nova_lite_hostname=<name>), prints
#                    "NOVA_LITE_GUEST_UP <hostname>" and stays up (the old
#                    disk-less guest)
#   tiny-disk.qcow2  the root disk: an ext4 filesystem (label nova-lite-root,
#                    $NOVA_LITE_TINY_DISK_MB MiB, default 128; the guest grows
#                    it to its disk at boot) holding busybox-static applets,
#                    Debian's dropbear, mke2fs/mkfs.ext4/resize2fs/e2fsck,
#                    blkid, lsblk, mkfs (mkfs.vfat: busybox mkdosfs), glibc
#                    and the libraries they load, a root-only
#                    sudo, and the boot script tiny-guest/rcS (disk id, boot
#                    count, config drive or metadata service, network, hostname,
#                    SSH keys, password, user data, dropbear). Made with
#                    "mke2fs -d" from a directory: no loop mount, no root needed.
#
# Boot it as kernel tiny-vmlinux + ramdisk tiny-initrd.img with
# "root=/dev/vda console=ttyS0" and tiny-disk.qcow2 as the virtio disk vda
# (the nova_lite libvirt driver does so for an image whose kernel_id and
# ramdisk_id properties name the kernel and ramdisk images). What the guest
# does and prints is described in doc/guest-image.md; the files it runs are
# in devstack/tools/tiny-guest/.
#
# Idempotent and safe to run in parallel (one build at a time per OUTDIR,
# under flock OUTDIR/.lock): nothing is rebuilt when the outputs exist and
# match this script and tiny-guest/ (a hash of them is kept in
# OUTDIR/.guest-stamp;
# when it changes the initrd and disk are rebuilt, the kernel kept). The
# .debs are kept in OUTDIR/.work between runs. Needs no network access
# beyond the Debian archive (apt-get download).
#
# Needs: apt-get with package lists (run 'apt-get update' once), dpkg-deb,
# cpio, gzip, xz, mke2fs (e2fsprogs >= 1.43, for -d), debugfs (only when not
# run as root), qemu-img; busybox-static is used from /bin/busybox, or taken
# from its .deb when not installed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
GUEST_SRC=$HERE/tiny-guest
OUTDIR=${1:-${NOVA_LITE_TINY_DIR:-/var/lib/nova_lite/tiny}}
WORKDIR=$OUTDIR/.work
DEBDIR=$WORKDIR/debs
KERNEL_OUT=$OUTDIR/tiny-vmlinuz
VMLINUX_OUT=$OUTDIR/tiny-vmlinux
INITRD_OUT=$OUTDIR/tiny-initrd.img
DISK_OUT=$OUTDIR/tiny-disk.qcow2
STAMP=$OUTDIR/.guest-stamp
DISK_MB=${NOVA_LITE_TINY_DISK_MB:-128}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Kernel modules the initramfs loads, dependencies first (found in each
# module's .modinfo). crc32c_generic backs ext4's metadata checksums;
# virtio_rng takes entropy from the host's virtio RNG (the libvirt driver
# gives every guest one), so the kernel's random pool is ready in about a
# second instead of the ~10 s TCG needs on its own, and dropbearkey no
# longer waits for it. bochs (with the DRM modules it needs) drives the
# guest's VGA card (the video device of a guest with a VNC console) as a
# framebuffer, on which the kernel puts tty0: the PVH-booted vmlinux gets
# no VGA text screen from its boot protocol, so without it the console
# would stay blank (~0.2 s to load under TCG).
# nls_ascii: Debian's kernel mounts vfat with iocharset ascii by default
# (CONFIG_FAT_DEFAULT_IOCHARSET); without the module any vfat mount that
# names no iocharset fails ("IO charset ascii not found", EINVAL).
MODULES="virtio_pci virtio_blk crc32c_generic ext4 virtio_net ata_piix
ahci sd_mod sr_mod isofs vfat nls_utf8 nls_cp437 nls_ascii button evdev
virtio_rng bochs"
# Packages the root disk's programs come from, with their libraries.
ROOT_DEBS="libc6 libcrypt1 zlib1g libtomcrypt1 libtommath1 libgmp10 dropbear-bin
e2fsprogs libext2fs2 libcom-err2 libblkid1 libuuid1 util-linux libsmartcols1
libmount1 libudev1 libselinux1 libpcre2-8-0"
# Programs taken from those packages (name, searched in /sbin, /usr/sbin,
# /bin, /usr/bin of the extracted packages; installed at the same path).
# lsblk and mkfs (util-linux's wrapper, which runs mkfs.<type>) are what
# Tempest's remote client runs to list disks and make file systems.
ROOT_PROGRAMS="dropbear dropbearkey mke2fs resize2fs e2fsck blkid lsblk mkfs"
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

# The kernel package extracted into $WORKDIR/kernel-tree (once per run).
kernel_tree() {
    local deb tree=$WORKDIR/kernel-tree
    if [ ! -d "$tree/boot" ]; then
        deb=$(fetch_kernel_deb)
        rm -rf "$tree"
        mkdir -p "$tree"
        log "extracting $(basename "$deb")"
        dpkg-deb -x "$deb" "$tree"
    fi
    echo "$tree"
}

build_kernel() {
    local tree vmlinuz
    [ -s "$KERNEL_OUT" ] && { log "kernel exists: $KERNEL_OUT"; return; }
    tree=$(kernel_tree)
    vmlinuz=$(ls "$tree"/boot/vmlinuz-* | head -n1)
    [ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in the kernel package"
    cp "$vmlinuz" "$KERNEL_OUT.tmp"
    mv "$KERNEL_OUT.tmp" "$KERNEL_OUT"
    log "kernel ready: $KERNEL_OUT"
}

# Download (once) the .debs of the named packages into $DEBDIR; prints
# their paths.
fetch_debs() {
    local pkg missing=()
    mkdir -p "$DEBDIR"
    for pkg in "$@"; do
        ls "$DEBDIR/${pkg}"_*.deb >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "downloading ${missing[*]}"
        (cd "$DEBDIR" && apt-get download -q \
            -o APT::Sandbox::User="$(id -un)" "${missing[@]}" >/dev/null) ||
            die "apt-get download ${missing[*]} failed (run 'apt-get update'?)"
    fi
    for pkg in "$@"; do
        ls "$DEBDIR/${pkg}"_*.deb | head -n1
    done
}

# busybox-static: the installed one, else from its .deb.
busybox_binary() {
    local deb tree=$WORKDIR/busybox-tree
    if [ -x "$BUSYBOX" ] && "$BUSYBOX" --list >/dev/null 2>&1; then
        echo "$BUSYBOX"
        return
    fi
    deb=$(fetch_debs busybox-static)
    rm -rf "$tree"
    dpkg-deb -x "$deb" "$tree"
    [ -x "$tree/bin/busybox" ] || die "no bin/busybox in $deb"
    echo "$tree/bin/busybox"
}

# The value of the "depends=" field of a module's .modinfo: its
# dependencies, comma separated.
module_depends() {
    tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n1
}

# Copies $MODULES and their dependencies from the kernel package into $1
# (flat, NAME.ko) and writes $1/load-order, one file name a line,
# dependencies first.
copy_modules() {
    local dest=$1 tree kdir f name
    local -A path=() seen=()
    tree=$(kernel_tree)
    kdir=$(ls -d "$tree"/lib/modules/*/kernel | head -n1)
    [ -d "$kdir" ] || die "no lib/modules/*/kernel in the kernel package"
    while read -r f; do
        name=$(basename "$f" .ko)
        path[${name//-/_}]=$f
    done < <(find "$kdir" -name '*.ko')
    mkdir -p "$dest"
    : >"$dest/load-order"
    _visit_module() {
        local m=${1//-/_} dep
        [ -n "${seen[$m]:-}" ] && return 0
        seen[$m]=1
        if [ -z "${path[$m]:-}" ]; then
            log "module $m is not in the package (built into the kernel?)"
            return 0
        fi
        for dep in $(module_depends "${path[$m]}" | tr ',' ' '); do
            _visit_module "$dep"
        done
        cp "${path[$m]}" "$dest/$m.ko"
        echo "$m.ko" >>"$dest/load-order"
    }
    for name in $MODULES; do
        _visit_module "$name"
    done
    log "modules: $(tr '\n' ' ' <"$dest/load-order")"
}

build_initrd() {
    local root busybox
    [ -s "$INITRD_OUT" ] && [ -z "$STALE" ] && { log "initrd exists: $INITRD_OUT"; return; }
    busybox=$(busybox_binary)
    root=$WORKDIR/initrd-root
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,newroot,lib}
    cp "$busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    copy_modules "$root/lib/modules"
    install -m 0755 "$GUEST_SRC/initramfs-init" "$root/init"
    log "packing initramfs (busybox-static, modules, /init)"
    (cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) \
        >"$INITRD_OUT.tmp"
    mv "$INITRD_OUT.tmp" "$INITRD_OUT"
    rm -rf "$root"
    log "initrd ready: $INITRD_OUT ($(stat -c %s "$INITRD_OUT") bytes)"
}

# The path (relative to the extracted packages in $1) of program $2.
find_program() {
    local dir
    for dir in sbin usr/sbin bin usr/bin; do
        if [ -f "$1/$dir/$2" ]; then
            echo "$dir/$2"
            return
        fi
    done
    die "$2 is in none of: $ROOT_DEBS"
}

# Copies program $3 (relative path) from the extracted packages $1 into
# the root tree $2 with every library it loads, resolved by the packages'
# own dynamic loader inside $1 only (not the host's libraries).
copy_program() {
    local stage=$1 root=$2 prog=$3 ld lib line
    ld=$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
    rm -f "$root/$prog"
    mkdir -p "$(dirname "$root/$prog")"
    cp "$stage/$prog" "$root/$prog"
    while read -r line; do
        case "$line" in
            *"not found"*) die "$prog: library missing: $line (add its package to ROOT_DEBS)" ;;
            *"=>"*) lib=$(awk '{print $3}' <<<"$line") ;;
            *) continue ;;
        esac
        case "$lib" in
            "$stage"/*) ;;
            *) die "$prog: $lib is not from the packages (add its package to ROOT_DEBS)" ;;
        esac
        mkdir -p "$(dirname "$root/${lib#"$stage"/}")"
        cp -L "$lib" "$root/${lib#"$stage"/}"
    done < <("$ld" --inhibit-cache --library-path \
        "$stage/lib/x86_64-linux-gnu:$stage/usr/lib/x86_64-linux-gnu" \
        --list "$stage/$prog")
}

# The root filesystem tree in $1.
populate_root() {
    local root=$1 stage=$WORKDIR/root-debs busybox debs deb p prog
    busybox=$(busybox_binary)
    # shellcheck disable=SC2086 # one word per package
    debs=$(fetch_debs $ROOT_DEBS)
    rm -rf "$stage"
    mkdir -p "$stage"
    for deb in $debs; do
        dpkg-deb -x "$deb" "$stage"
    done
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/x86_64-linux-gnu,lib64} \
        "$root"/{dev,proc,sys,run,tmp,mnt/config,root/.ssh,var/log} \
        "$root"/{var/lib/nova-lite,etc/init.d,etc/dropbear,etc/acpi/PWRF} \
        "$root"/usr/share/{udhcpc,nova-lite}
    chmod 0700 "$root/root" "$root/root/.ssh"
    chmod 1777 "$root/tmp"
    cp "$busybox" "$root/bin/busybox"
    # Every applet as a symlink (busybox's own paths: sbin/init, bin/sh...).
    "$busybox" --list-full | while read -r p; do
        [ -e "$root/$p" ] || [ -L "$root/$p" ] || ln -s /bin/busybox "$root/$p"
    done
    cp -L "$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
        "$root/lib/x86_64-linux-gnu/"
    ln -sf ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
        "$root/lib64/ld-linux-x86-64.so.2"
    for prog in $ROOT_PROGRAMS; do
        copy_program "$stage" "$root" "$(find_program "$stage" "$prog")"
    done
    p=$(dirname "$(find_program "$stage" mke2fs)")
    for prog in mkfs.ext2 mkfs.ext3 mkfs.ext4; do
        ln -sf mke2fs "$root/$p/$prog"
    done
    p=$(dirname "$(find_program "$stage" e2fsck)")
    ln -sf e2fsck "$root/$p/fsck.ext4"
    # mkfs -t vfat runs mkfs.vfat: busybox's mkdosfs (FAT32), next to mkfs.
    p=$(dirname "$(find_program "$stage" mkfs)")
    install -m 0755 "$GUEST_SRC/mkfs.vfat" "$root/$p/mkfs.vfat"
    cp "$stage/etc/mke2fs.conf" "$root/etc/mke2fs.conf"
    write_etc "$root"
    rm -rf "$stage"
}

write_etc() {
    local root=$1
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    # No password until the metadata gives one: SSH keys only.
    echo 'root:*:19000:0:99999:7:::' >"$root/etc/shadow"
    chmod 0600 "$root/etc/shadow"
    printf 'root:x:0:\ntty:x:5:\n' >"$root/etc/group"
    printf '/bin/sh\n/bin/ash\n' >"$root/etc/shells"
    printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' \
        >"$root/etc/nsswitch.conf"
    printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
    echo localhost >"$root/etc/hostname"
    : >"$root/etc/resolv.conf"
    ln -s /proc/self/mounts "$root/etc/mtab"
    cat >"$root/etc/profile" <<'PROFILE'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PS1='\u@\h:\w\$ '
PROFILE
    printf '#!/bin/sh\nexec poweroff\n' >"$root/etc/acpi/PWRF/00000080"
    chmod 0755 "$root/etc/acpi/PWRF/00000080"
    install -m 0644 "$GUEST_SRC/inittab" "$root/etc/inittab"
    install -m 0755 "$GUEST_SRC/rcS" "$root/etc/init.d/rcS"
    install -m 0755 "$GUEST_SRC/rcK" "$root/etc/init.d/rcK"
    install -m 0755 "$GUEST_SRC/sudo" "$root/usr/bin/sudo"
    install -m 0755 "$GUEST_SRC/udhcpc.script" \
        "$root/usr/share/udhcpc/default.script"
    install -m 0644 "$GUEST_SRC/json.awk" "$root/usr/share/nova-lite/json.awk"
}

# Files made by a non-root build belong to its user: give them to root.
chown_root() {
    local raw=$1 root=$2
    [ "$(id -u)" = 0 ] && return 0
    command -v debugfs >/dev/null || die "debugfs missing (e2fsprogs)"
    (cd "$root" && find . -mindepth 1 | sed 's|^\.||') |
        while read -r p; do
            printf 'sif %s uid 0\nsif %s gid 0\n' "$p" "$p"
        done | debugfs -w -f - "$raw" >/dev/null 2>&1
}

build_disk() {
    local root raw
    [ -s "$DISK_OUT" ] && [ -z "$STALE" ] && { log "disk exists: $DISK_OUT"; return; }
    command -v qemu-img >/dev/null || die "qemu-img missing"
    root=$WORKDIR/disk-root
    raw=$WORKDIR/disk.raw
    rm -rf "$root" "$raw"
    mkdir -p "$root"
    populate_root "$root"
    log "making the ext4 root filesystem (${DISK_MB} MiB)"
    truncate -s "${DISK_MB}M" "$raw"
    mke2fs -q -F -t ext4 -L nova-lite-root -E root_owner=0:0 -d "$root" "$raw"
    chown_root "$raw" "$root"
    qemu-img convert -f raw -O qcow2 "$raw" "$DISK_OUT.tmp"
    mv "$DISK_OUT.tmp" "$DISK_OUT"
    rm -rf "$root" "$raw"
    log "disk ready: $DISK_OUT ($(stat -c %s "$DISK_OUT") bytes)"
}

# A hash of what the initrd and disk are made from.
guest_hash() {
    cat "$0" "$GUEST_SRC"/* | sha256sum | cut -d' ' -f1
}

main() {
    local hash
    # One build at a time per OUTDIR: tests running in parallel share the
    # cache, and a second build would remove or rewrite what the first is
    # writing. The lock goes with this process.
    mkdir -p "$OUTDIR"
    exec 9>"$OUTDIR/.lock"
    flock 9
    hash=$(guest_hash)
    # Outputs made from another version of the guest files are rebuilt
    # under temporary names and renamed over the old ones: a reader
    # (another checkout's test registering the image) never finds a file
    # missing.
    STALE=
    [ "$(cat "$STAMP" 2>/dev/null)" = "$hash" ] || STALE=1
    if [ -z "$STALE" ] && [ -s "$KERNEL_OUT" ] && [ -s "$VMLINUX_OUT" ] &&
            [ -s "$INITRD_OUT" ] && [ -s "$DISK_OUT" ]; then
        log "already built: $KERNEL_OUT $VMLINUX_OUT $INITRD_OUT $DISK_OUT"
        return
    fi
    mkdir -p "$WORKDIR"
    trap 'rm -rf "$WORKDIR/kernel-tree"' EXIT
    build_kernel
    build_vmlinux
    build_initrd
    build_disk
    echo "$hash" >"$STAMP"
    log "done: $KERNEL_OUT $VMLINUX_OUT $INITRD_OUT $DISK_OUT"
}

main
