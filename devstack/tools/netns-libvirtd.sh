#!/bin/bash
# netns-libvirtd.sh: run a libvirtd of its own inside a network namespace,
# so that the QEMU it starts, and the tap devices QEMU creates, live in
# that namespace (next to the guest bridge, its dnsmasq and metadata
# proxy). See doc/networking.md.
#
#   netns-libvirtd.sh NETNS DIR        # runs libvirtd in the foreground
#
# DIR holds the daemon's own state, bind-mounted over the libvirt
# directories in a private mount namespace (the one 'ip netns exec'
# makes), so it never meets the machine's own libvirtd:
#
#   DIR/etc    over /etc/libvirt      libvirtd.conf, qemu.conf (no networks)
#   DIR/run    over /run/libvirt      sockets: DIR/run/libvirt-sock
#   DIR/lib    over /var/lib/libvirt  domain definitions, QEMU's runtime files
#   DIR/cache  over /var/cache/libvirt  QEMU capabilities
#   DIR/log    over /var/log/libvirt    QEMU's stderr per domain
#
# Clients connect with  qemu+unix:///system?socket=DIR/run/libvirt-sock
# (the socket is root's only: mode 0700, no authentication). The pid file
# is DIR/libvirtd.pid. QEMU's standard output goes to a file (qemu.conf
# stdio_handler = "file"): no virtlogd is needed. Stop it with SIGTERM;
# running guests keep running and a new daemon on the same DIR takes them
# over. Run as root.
set -euo pipefail

usage() {
    echo "usage: $0 NETNS DIR" >&2
    exit 2
}

# Inside the namespace (second stage): bind the directories, exec libvirtd.
if [ "${1:-}" = --inside ]; then
    dir=$2
    mount --bind "$dir/etc" /etc/libvirt
    mount --bind "$dir/run" /run/libvirt
    mount --bind "$dir/lib" /var/lib/libvirt
    mount --bind "$dir/cache" /var/cache/libvirt
    mount --bind "$dir/log" /var/log/libvirt
    exec libvirtd --config "$dir/etc/libvirtd.conf" --pid-file "$dir/libvirtd.pid"
fi

[ $# -eq 2 ] || usage
ns=$1
dir=$(realpath -m "$2")
[ "$(id -u)" = 0 ] || { echo "$0: run as root" >&2; exit 1; }
ip netns list | awk '{print $1}' | grep -qx "$ns" ||
    { echo "$0: no network namespace $ns" >&2; exit 1; }
for d in /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    mkdir -p "$d"
done
mkdir -p "$dir"/etc/qemu "$dir"/run "$dir"/lib "$dir"/cache "$dir"/log/qemu
chmod 0755 "$dir" "$dir"/lib
cat >"$dir/etc/libvirtd.conf" <<EOF
# Written by $(basename "$0"): the libvirtd of network namespace $ns.
unix_sock_group = "root"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
EOF
# The machine's QEMU settings (user, group, security driver), plus QEMU's
# output to a file instead of virtlogd (whose socket is the machine's).
{
    if [ -f /etc/libvirt/qemu.conf ]; then
        grep -v -E '^\s*stdio_handler\s*=' /etc/libvirt/qemu.conf
    fi
    echo 'stdio_handler = "file"'
} >"$dir/etc/qemu.conf"
exec ip netns exec "$ns" "$0" --inside "$dir"
