#!/bin/bash
# Boot one lab node: a systemd-nspawn container on an overlay of the
# shared node root filesystem (started by devstack/lib/nodes).
#
#   node-boot.sh CGROUP LOWER UPPER WORK ROOT -- SYSTEMD-NSPAWN-ARGS...
#
# 1. Moves itself into CGROUP (a path below /sys/fs/cgroup/unified and
#    /sys/fs/cgroup/systemd, created when missing): with --keep-unit and
#    no systemd on the host, nspawn makes the cgroup it runs in the
#    container's, so each node needs one of its own.
# 2. Enters a private mount namespace (unshare -m) and mounts the overlay
#    LOWER (read-only, shared by every node) + UPPER/WORK (this node's) on
#    ROOT there: the mount is gone with the namespace, i.e. when the
#    container ends, however it ends. The host's mount table never has it.
# 3. Execs systemd-nspawn -D ROOT with the remaining arguments, keeping
#    this process's pid (the lab's pid file names it; SIGTERM to it halts
#    the container cleanly).
set -euo pipefail

if [ "${1:-}" = --in-namespace ]; then
    shift
    lower=$1 upper=$2 work=$3 root=$4
    shift 5
    mount -t overlay overlay \
        -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
    exec systemd-nspawn -D "$root" "$@"
fi

[ $# -ge 7 ] && [ "$6" = -- ] || {
    echo "usage: $0 CGROUP LOWER UPPER WORK ROOT -- NSPAWN-ARGS..." >&2
    exit 2
}
cgroup=$1
for hierarchy in unified systemd; do
    dir=/sys/fs/cgroup/$hierarchy/$cgroup
    if [ -d "/sys/fs/cgroup/$hierarchy" ]; then
        mkdir -p "$dir"
        echo $$ >"$dir/cgroup.procs"
    fi
done
shift
exec unshare --mount --propagation private "$0" --in-namespace "$@"
