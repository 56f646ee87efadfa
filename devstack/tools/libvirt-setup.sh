#!/bin/bash
# Make qemu:///system usable on this host for nova_lite's libvirt driver.
#
#   libvirt-setup.sh
#
# * /dev/kvm: root:kvm 0660, so libvirt's QEMU probe does not fail and
#   repeat on every call (a 0600 root:root node makes each defineXML take
#   tens of seconds). Without a kvm group, QEMU is run as root instead
#   (user/group "root" in /etc/libvirt/qemu.conf).
# * Daemons: with systemd, 'systemctl start' virtlogd and libvirtd;
#   without it, 'virtlogd -d' first (QEMU domains fail to start without
#   its socket), then 'libvirtd -d', each only if its pid file names no
#   live process.
# * Waits until 'virsh -c qemu:///system version' answers (30 s at most).
#
# Idempotent: a second run changes nothing and starts nothing. Run as root.
set -euo pipefail

QEMU_CONF=${QEMU_CONF:-/etc/libvirt/qemu.conf}
URI=qemu:///system

log() {
    echo "libvirt-setup: $*" >&2
}

die() {
    echo "libvirt-setup: ERROR: $*" >&2
    exit 1
}

# True if the pid file $1 names a running process.
pidfile_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

qemu_conf_set() {
    local key=$1 value=$2
    if grep -Eq "^\s*${key}\s*=\s*\"${value}\"" "$QEMU_CONF"; then
        return 1
    fi
    sed -i -E "/^\s*${key}\s*=/d" "$QEMU_CONF"
    echo "${key} = \"${value}\"" >>"$QEMU_CONF"
    log "set ${key} = \"${value}\" in $QEMU_CONF"
}

# Echoes "changed" when qemu.conf was modified (libvirtd must reload it).
fix_kvm_access() {
    local changed=
    [ -e /dev/kvm ] || { log "no /dev/kvm: QEMU will use TCG"; return; }
    if getent group kvm >/dev/null; then
        if [ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]; then
            chgrp kvm /dev/kvm
            chmod 0660 /dev/kvm
            log "/dev/kvm is now root:kvm 0660"
        else
            log "/dev/kvm already root:kvm 0660"
        fi
        return
    fi
    log "no kvm group: running QEMU as root"
    qemu_conf_set user root && changed=1
    qemu_conf_set group root && changed=1
    [ -n "$changed" ] && echo changed
    return 0
}

start_with_systemd() {
    log "systemd found: starting virtlogd and libvirtd units"
    systemctl start virtlogd.socket virtlogd libvirtd
    if [ "$1" = changed ]; then
        systemctl restart libvirtd
    fi
}

# without_inherited_fds CMD...: CMD (a daemon) without the descriptors
# above 2 this script inherited: a caller's lock (flock FILE stack.sh)
# must not be held for ever by the daemons the lab starts.
without_inherited_fds() {
    (
        for fd in $(ls /proc/$BASHPID/fd); do
            [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
        done
        exec "$@"
    )
}

start_without_systemd() {
    if pidfile_alive /run/virtlogd.pid; then
        log "virtlogd already running (pid $(cat /run/virtlogd.pid))"
    else
        log "starting virtlogd -d"
        without_inherited_fds virtlogd -d
    fi
    if pidfile_alive /run/libvirtd.pid; then
        if [ "$1" = changed ]; then
            log "restarting libvirtd to apply $QEMU_CONF"
            kill "$(cat /run/libvirtd.pid)"
            wait_for_exit /run/libvirtd.pid
            without_inherited_fds libvirtd -d
        else
            log "libvirtd already running (pid $(cat /run/libvirtd.pid))"
        fi
    else
        log "starting libvirtd -d"
        without_inherited_fds libvirtd -d
    fi
}

wait_for_exit() {
    local i
    for i in $(seq 1 50); do
        pidfile_alive "$1" || return 0
        sleep 0.2
    done
    die "process of $1 did not exit"
}

wait_for_libvirt() {
    local i
    for i in $(seq 1 30); do
        if virsh -c "$URI" version >/dev/null 2>&1; then
            log "$URI answers: $(virsh -c "$URI" version 2>/dev/null |
                awk -F': ' '/Running hypervisor/ {print $2}')"
            return 0
        fi
        sleep 1
    done
    die "$URI did not answer within 30 s (see /var/log/libvirt/)"
}

main() {
    local changed
    [ "$(id -u)" = 0 ] || die "run as root"
    command -v libvirtd >/dev/null || die "libvirtd missing: apt-get install libvirt-daemon-system qemu-system-x86"
    changed=$(fix_kvm_access)
    if [ -d /run/systemd/system ]; then
        start_with_systemd "$changed"
    else
        start_without_systemd "$changed"
    fi
    wait_for_libvirt
}

main "$@"
