#!/bin/bash
# nodes-check.sh: the multi-node lab of systemd containers, end to end,
# from a fresh state, then torn down (doc/lab-nodes.md).
#
#   sudo devstack/tools/nodes-check.sh            # NODES=2
#   CHECK_NODES=3 VENV_DIR=/path/to/venv devstack/tools/nodes-check.sh
#   CHECK_VIRT=fake devstack/tools/nodes-check.sh # fake driver in the nodes
#
# Each step prints "PASS <step>" or "FAIL <step>: why" (the first FAIL
# ends the run, after the teardown).
# 1. Writes a local.conf of its own (temporary STATE_DIR, free ports, its
#    own MariaDB databases, RabbitMQ user and vhost, namespace prefix) and
#    runs NODE_MODE=nspawn NODES=CHECK_NODES ./devstack/stack.sh with the
#    libvirt driver in the nodes (CHECK_VIRT) and no compute on the
#    controller.
# 2. nova-lite-manage service list: every node's compute is up; in each
#    node systemctl is-active nova-lite-compute libvirtd (libvirt); the
#    nodes' machine ids and libvirt host UUIDs are distinct; node1
#    reaches node2's libvirtd over the lab link (qemu+tcp, the live
#    migration URI).
# 3. Boots a server as demo; libvirt: one real QEMU guest on each of two
#    nodes (--availability-zone nova:<node>, as admin), its console log
#    shows the boot (NOVA_LITE_GUEST_UP) and it answers ping from its
#    node's guest network namespace.
# 4. Kills that node's compute (systemctl kill -s KILL inside the node):
#    systemd restarts it (Restart=on-failure, a new main pid) and it
#    reports up again; labctl.sh log shows the journal's lines.
# 5. libvirt: cold migration of node1's guest (openstack server migrate,
#    server resize confirm): it ends ACTIVE on another node, its disk
#    copied over the lab link, and boots there (console, ping); then
#    node2's guest is migrated and reverted: ACTIVE on node2 again.
# 6. clean.sh (also on any failure: a trap), then checks that no
#    container, overlay mount, namespace, cgroup or forwarder is left.
#
# Needs root, RabbitMQ and MariaDB on 127.0.0.1, and a venv with nova_lite,
# Keystone, gunicorn and python-openstackclient (VENV_DIR, default
# devstack/.venv). Exit 0 when every check passed.
set -euo pipefail

DEVSTACK=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$DEVSTACK/.." && pwd)
NODES=${CHECK_NODES:-2}
VIRT=${CHECK_VIRT:-libvirt}
VENV_DIR=${VENV_DIR:-$DEVSTACK/.venv}
TAG=c$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/nodes-check.XXXXXX)
STATE=$WORK/lab
PREFIX=nl$TAG-
T0=$SECONDS

say() { printf '[%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
STEP=setup
fail() { say "FAIL $STEP: $*"; exit 1; }
# begin NAME / pass: one step's verdict line.
begin() { STEP=$1; say "---- $STEP"; }
pass() { say "PASS $STEP"; }

free_port() {
    "$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_local_conf() {
    cat >"$WORK/local.conf" <<EOF
STATE_DIR=$STATE
VENV_DIR=$VENV_DIR
SKIP_INSTALL=True
INSTALL_SYSTEM_PACKAGES=False
ADMIN_PASSWORD=$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')
API_PORT=$(free_port)
KEYSTONE_PORT=$(free_port)
METADATA_PORT=$(free_port)
NOVNCPROXY_PORT=$(free_port)
DATABASE_TYPE=mysql
DATABASE_NAME=nl_lab_$TAG
RABBIT=True
RABBIT_USER=nl_lab_$TAG
RABBIT_PASSWORD=$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')
RABBIT_VHOST=nl_lab_$TAG
VIRT_DRIVER=$VIRT
NODE_VIRT_DRIVER=$VIRT
LIBVIRT_TYPE=qemu
LAB_HOST=${TAG}ctl
ENABLE_CONTROLLER_COMPUTE=False
REPORT_INTERVAL=2
SERVICE_DOWN_TIME=10
UNIT_PREFIX=nova-lite-$TAG-
NODE_MODE=nspawn
NODES=$NODES
NETNS_PREFIX=$PREFIX
LAB_NET=10.98.$((RANDOM % 200 + 20))
DEMO_BOOT=False
EOF
    export NOVA_LITE_LOCAL_CONF=$WORK/local.conf
    # The nodes run this repository's code (bound into them with
    # PYTHONPATH); the controller's services do the same.
    export PYTHONPATH=$REPO
}

# Everything of this run still on the machine, one a line.
leftovers() {
    local pid
    ip netns list | awk '{print $1}' | grep "^$PREFIX" | sed 's/^/namespace /' || true
    for pid in $(pgrep -x systemd-nspawn || true); do
        grep -F " $STATE/" "/proc/$pid/mountinfo" >/dev/null 2>&1 && echo "container pid $pid"
    done
    ls -d /sys/fs/cgroup/*/"${PREFIX}"* 2>/dev/null | sed 's/^/cgroup /' || true
    grep -F " $STATE/" /proc/self/mountinfo | awk '{print "mount " $5}' || true
    pgrep -f "$STATE/" | sed 's/^/process /' || true
}

teardown() {
    local rc=$? left
    trap - EXIT INT TERM
    begin "unstack: ./devstack/unstack.sh leaves no container, mount, namespace or process"
    if ! "$DEVSTACK/unstack.sh" >"$WORK/unstack.log" 2>&1; then
        tail -n 20 "$WORK/unstack.log"
        say "FAIL $STEP: unstack.sh failed"
        rc=1
    fi
    grep -E 'halted|deleted|left' "$WORK/unstack.log" | sed 's/^ */    /' || true
    left=$(leftovers)
    if [ -n "$left" ]; then
        say "FAIL $STEP: left behind:"
        sed 's/^/    /' <<<"$left"
        rc=1
    else
        say "PASS $STEP"
    fi
    say "teardown: devstack/clean.sh"
    if ! "$DEVSTACK/clean.sh" >"$WORK/clean.log" 2>&1; then
        tail -n 20 "$WORK/clean.log"
        say "FAIL: clean.sh failed"
        rc=1
    fi
    grep -E 'halted|deleted|removed|left' "$WORK/clean.log" | sed 's/^ */    /' || true
    left=$(leftovers)
    if [ -n "$left" ]; then
        say "FAIL: left behind:"
        sed 's/^/    /' <<<"$left"
        rc=1
    else
        say "nothing left: no container, mount, namespace, cgroup or process of this run"
    fi
    [ "$rc" = 0 ] && rm -rf "$WORK" || say "logs kept in $WORK"
    say "$([ "$rc" = 0 ] && echo PASS || echo FAIL) (exit $rc)"
    exit "$rc"
}

manage() {
    "$STATE/bin/nova-lite-manage" "$@" 2>/dev/null
}

# "up" / "down" / "" of nova-lite-compute on HOST.
compute_state() {
    manage service list | awk -v h="$1" '$2 == "nova-lite-compute" && $3 == h {print $5}'
}

os_as() {
    local user=$1
    shift
    (
        # shellcheck disable=SC1091
        source "$DEVSTACK/openrc" "$user" "$user"
        openstack "$@"
    )
}

step_stack() {
    begin "stack: NODE_MODE=nspawn NODES=$NODES NODE_VIRT_DRIVER=$VIRT ./devstack/stack.sh"
    say "state $STATE"
    if ! "$DEVSTACK/stack.sh" >"$WORK/stack.log" 2>&1; then
        tail -n 30 "$WORK/stack.log"
        fail "stack.sh failed"
    fi
    grep -E '^==>|node (root fs|node)|node [a-z0-9]+: (booted|boot|running)|s  total' "$WORK/stack.log" |
        grep -vE '^==>' | sed 's/^ */    /'
    pass
}

in_node() {
    "$DEVSTACK/labctl.sh" exec "$@"
}

step_services() {
    local i state ids uuids
    begin "services: every node's compute up$([ "$VIRT" = libvirt ] && echo ', nova-lite-compute and libvirtd active in each')"
    manage service list | sed 's/^/    /'
    for ((i = 1; i <= NODES; i++)); do
        [ "$(compute_state "node$i")" = up ] || fail "nova-lite-compute on node$i is not up"
        if [ "$VIRT" = libvirt ]; then
            state=$(in_node "node$i" systemctl is-active nova-lite-compute libvirtd | paste -sd' ')
            say "node$i: systemctl is-active nova-lite-compute libvirtd: $state"
            [ "$state" = "active active" ] || fail "node$i: nova-lite-compute libvirtd: $state"
            in_node "node$i" systemctl status --no-pager -n0 nova-lite-compute libvirtd |
                grep -E '^● |Active:' | sed 's/^/    /'
        fi
    done
    pass
    [ "$VIRT" = libvirt ] || return 0
    begin "identity: distinct machine ids and libvirt host UUIDs"
    ids=$(for ((i = 1; i <= NODES; i++)); do in_node "node$i" cat /etc/machine-id; done)
    uuids=$(for ((i = 1; i <= NODES; i++)); do
        in_node "node$i" virsh -c qemu:///system capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n1
    done)
    paste <(seq 1 "$NODES" | sed 's/^/    node/') <(echo "$ids") <(echo "$uuids")
    [ "$(sort -u <<<"$ids" | grep -c .)" = "$NODES" ] || fail "machine ids are not distinct"
    [ "$(sort -u <<<"$uuids" | grep -c .)" = "$NODES" ] || fail "libvirt host UUIDs are not distinct"
    pass
}

lab_net() {
    sed -n 's/^LAB_NET=//p' "$WORK/local.conf"
}

step_link() {
    [ "$NODES" -ge 2 ] || return 0
    begin "lab link: node1 -> node2 (ping, libvirtd over qemu+tcp), nothing else"
    in_node node1 ip -br addr show eth0 | sed 's/^/    /'
    in_node node1 ping -c1 -W2 "$(lab_net).12" | sed -n 2p | sed 's/^/    /'
    if in_node node1 ip route get 192.0.2.1 >/dev/null 2>&1; then
        fail "node1 has a route out of the lab link"
    fi
    say "node1: no route to 192.0.2.1 (no default route)"
    if [ "$VIRT" = libvirt ]; then
        local uri="qemu+tcp://$(lab_net).12/system"
        say "node1: virsh -c $uri hostname (the live-migration URI of node2)"
        in_node node1 virsh -c "$uri" hostname | sed '/^$/d; s/^/    /'
        [ "$(in_node node1 virsh -c "$uri" hostname | sed '/^$/d')" = node2 ] ||
            fail "node1 does not reach node2's libvirtd at $uri"
    fi
    pass
}

# server_field ID FIELD (as admin)
server_field() {
    os_as admin server show -f value -c "$2" "$1"
}

# The server's first address.
server_ip() {
    server_field "$1" addresses | grep -oE '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' | head -n1
}

# Number of boots the console log of server ID shows.
guest_boots() {
    os_as admin console log show "$1" 2>/dev/null | grep -c NOVA_LITE_GUEST_UP || true
}

# guest_checks ID HOST [BOOTS]: the console shows the boot (BOOTS boots in
# all: the log moves with a migrated guest), ping answers from HOST's
# guest network namespace.
guest_checks() {
    local id=$1 host=$2 boots=${3:-1} ip i
    for i in $(seq 1 120); do
        [ "$(guest_boots "$id")" -ge "$boots" ] && break
        [ "$i" = 120 ] && fail "$id: not $boots NOVA_LITE_GUEST_UP on its console after 240 s"
        sleep 2
    done
    say "$id: console log shows the boot ($(guest_boots "$id") NOVA_LITE_GUEST_UP):"
    os_as admin console log show "$id" | grep -E 'Linux version|NOVA_LITE_GUEST_UP' |
        tail -n 2 | cut -c1-110 | sed 's/^/    /'
    ip=$(server_ip "$id")
    [ -n "$ip" ] || fail "$id has no address"
    for i in $(seq 1 30); do
        ip netns exec "${PREFIX}g-$host" ping -c1 -W2 "$ip" >/dev/null 2>&1 && break
        [ "$i" = 30 ] && fail "$id ($ip) does not answer ping from ${PREFIX}g-$host"
        sleep 2
    done
    say "$id ($ip) answers ping from ${PREFIX}g-$host:"
    ip netns exec "${PREFIX}g-$host" ping -c1 -W2 "$ip" | sed -n 2p | sed 's/^/    /'
}

step_boot() {
    local out id i
    if [ "$VIRT" = libvirt ]; then
        begin "guests: a real QEMU guest ACTIVE on each node, console, ping"
        SERVERS=()
        # The default group lets no ping in (security groups, nft in
        # each node's guest namespace): one rule for the check's pings.
        say "openstack security group rule create --ingress --protocol icmp default (as admin)"
        os_as admin security group rule create --ingress --protocol icmp default -f value -c id >/dev/null ||
            fail "security group rule create failed"
        for ((i = 1; i <= NODES && i <= 2; i++)); do
            say "openstack --os-compute-api-version 2.74 server create --host node$i --flavor m1.tiny --image tiny --network private --wait ${TAG}-vm$i (as admin)"
            id=$(os_as admin --os-compute-api-version 2.74 server create --host "node$i" \
                --flavor m1.tiny --image tiny --network private --wait -f value -c id "${TAG}-vm$i") ||
                fail "server create on node$i failed"
            [ "$(server_field "$id" status)" = ACTIVE ] || fail "$id is $(server_field "$id" status)"
            [ "$(server_field "$id" OS-EXT-SRV-ATTR:host)" = "node$i" ] ||
                fail "$id is on $(server_field "$id" OS-EXT-SRV-ATTR:host), not node$i"
            say "$id ACTIVE on node$i; in node$i: $(in_node "node$i" virsh -c qemu:///system list --name | sed '/^$/d' | paste -sd' ')"
            guest_checks "$id" "node$i"
            SERVERS+=("$id")
        done
        HOST=node1
        pass
        return 0
    fi
    begin "boot: a server as demo lands on a node"
    say "openstack server create --flavor m1.tiny --image tiny --network private --wait ${TAG}-vm (as demo)"
    out=$(os_as demo server create --flavor m1.tiny --image tiny --network private \
        --wait -f value -c id -c status "${TAG}-vm")
    sed 's/^/    /' <<<"$out"
    id=$(head -n1 <<<"$out")
    HOST=$(os_as admin server show -f value -c OS-EXT-SRV-ATTR:host "$id")
    case "$HOST" in
        node[0-9]*) say "server ${TAG}-vm is ACTIVE on $HOST" ;;
        *) fail "server ${TAG}-vm is on '$HOST', not on a node" ;;
    esac
    pass
}

main_pid() {
    "$DEVSTACK/labctl.sh" exec "$HOST" systemctl show -p MainPID --value nova-lite-compute
}

restarted() {
    local pid state
    pid=$(main_pid)
    state=$("$DEVSTACK/labctl.sh" exec "$HOST" systemctl is-active nova-lite-compute || true)
    [ "$state" = active ] && [ "$pid" != 0 ] && [ "$pid" != "$1" ]
}

step_kill() {
    local before after i t0
    begin "restart: systemctl kill -s KILL nova-lite-compute, systemd restarts it, up again"
    before=$(main_pid)
    say "$HOST: nova-lite-compute main pid $before (in the node); labctl.sh kill $HOST compute KILL"
    t0=$SECONDS
    "$DEVSTACK/labctl.sh" kill "$HOST" compute KILL
    for i in $(seq 1 60); do
        restarted "$before" && break
        [ "$i" = 60 ] && fail "nova-lite-compute on $HOST not restarted after 60 s"
        sleep 1
    done
    after=$(main_pid)
    say "restarted by systemd after $((SECONDS - t0)) s: main pid $before -> $after, NRestarts=$("$DEVSTACK/labctl.sh" exec "$HOST" systemctl show -p NRestarts --value nova-lite-compute)"
    "$DEVSTACK/labctl.sh" status "$HOST" compute | sed -n '1,4p' | sed 's/^/    /'
    say "labctl.sh log $HOST compute 12"
    "$DEVSTACK/labctl.sh" log "$HOST" compute 12 | sed 's/^/    /'
    "$DEVSTACK/labctl.sh" log "$HOST" compute 200 | grep -q 'status=9/KILL' ||
        fail "the journal does not show the SIGKILL"
    # Up again: the new process started its service, then a heartbeat
    # later than that start.
    for i in $(seq 1 60); do
        "$DEVSTACK/labctl.sh" log "$HOST" compute 100 |
            grep -q "nova-lite-compute\[$after\]: .* started on $HOST" && break
        [ "$i" = 60 ] && fail "the restarted compute (pid $after) did not start its service"
        sleep 1
    done
    t0=$(date -u +%s)
    for i in $(seq 1 30); do
        [ "$(compute_state "$HOST")" = up ] && [ "$(heartbeat "$HOST")" -gt "$t0" ] && break
        [ "$i" = 30 ] && fail "$HOST's compute sent no heartbeat after its restart"
        sleep 1
    done
    say "$HOST's compute (pid $after) started its service and reported up: heartbeat at $(date -u -d "@$(heartbeat "$HOST")" +%T), after its start"
    os_as admin compute service list --service nova-lite-compute -f value -c Host -c State -c Status |
        sed 's/^/    openstack compute service list: /'
    pass
}

# wait_status ID STATUS SECONDS
wait_status() {
    local i status
    for i in $(seq 1 "$3"); do
        status=$(server_field "$1" status)
        [ "$status" = "$2" ] && return 0
        [ "$status" = ERROR ] && fail "$1 went to ERROR: $(server_field "$1" fault)"
        # A failed migration puts the server back ACTIVE with no task.
        if [ "$2" = VERIFY_RESIZE ] && [ "$status" = ACTIVE ] && [ "$i" -gt 5 ] &&
            [ "$(server_field "$1" OS-EXT-STS:task_state)" = None ]; then
            os_as admin server migration list --server "$1" 2>/dev/null | sed 's/^/    /' || true
            fail "$1 is back ACTIVE on $(server_field "$1" OS-EXT-SRV-ATTR:host): the migration failed (see the computes' journals)"
        fi
        sleep 1
    done
    fail "$1 is $status, not $2, after $3 s"
}

step_migrate() {
    [ "$VIRT" = libvirt ] && [ "$NODES" -ge 2 ] || return 0
    local id=${SERVERS[0]} src dst t0 boots
    begin "cold migration: openstack server migrate + server resize confirm, node to node"
    src=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    boots=$(guest_boots "$id")
    t0=$SECONDS
    say "openstack server migrate $id (on $src)"
    os_as admin server migrate "$id" || fail "server migrate failed"
    wait_status "$id" VERIFY_RESIZE 300
    dst=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    [ "$dst" != "$src" ] || fail "$id is still on $src"
    say "VERIFY_RESIZE on $dst after $((SECONDS - t0)) s; openstack server resize confirm $id"
    os_as admin server resize confirm "$id" || fail "resize confirm failed"
    wait_status "$id" ACTIVE 120
    os_as admin server migration list --server "$id" -f value -c 'Source Compute' -c 'Dest Compute' -c Status -c Type 2>/dev/null |
        sed 's/^/    migration: /' || true
    in_node "$src" test ! -e "/var/lib/nova-lite/instances/$id" ||
        fail "$src still has the instance directory"
    in_node "$src" test ! -e "/var/lib/nova-lite/instances/${id}_resize" ||
        fail "$src still has ${id}_resize after the confirm"
    say "$id ACTIVE on $dst; $src has no files of it left; in $dst: $(in_node "$dst" virsh -c qemu:///system list --name | sed '/^$/d' | paste -sd' ')"
    guest_checks "$id" "$dst" "$((boots + 1))"
    pass
}

# Cold migration of node2's guest, reverted: back ACTIVE on node2, the
# destination's copy gone.
step_revert() {
    [ "$VIRT" = libvirt ] && [ "$NODES" -ge 2 ] && [ "${#SERVERS[@]}" -ge 2 ] || return 0
    local id=${SERVERS[1]} src dst boots
    begin "cold migration revert: openstack server migrate + server resize revert"
    src=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    boots=$(guest_boots "$id")
    say "openstack server migrate $id (on $src)"
    os_as admin server migrate "$id" || fail "server migrate failed"
    wait_status "$id" VERIFY_RESIZE 300
    dst=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    [ "$dst" != "$src" ] || fail "$id is still on $src"
    say "VERIFY_RESIZE on $dst; openstack server resize revert $id"
    os_as admin server resize revert "$id" || fail "resize revert failed"
    wait_status "$id" ACTIVE 180
    [ "$(server_field "$id" OS-EXT-SRV-ATTR:host)" = "$src" ] ||
        fail "$id is on $(server_field "$id" OS-EXT-SRV-ATTR:host) after the revert, not $src"
    in_node "$dst" test ! -e "/var/lib/nova-lite/instances/$id" ||
        fail "$dst still has the instance directory after the revert"
    say "$id ACTIVE on $src again; $dst has no files of it left"
    guest_checks "$id" "$src" "$((boots + 1))"
    pass
}

# Epoch seconds of HOST's compute's last heartbeat (service list, UTC).
heartbeat() {
    local when
    when=$(manage service list | awk -v h="$1" '$2 == "nova-lite-compute" && $3 == h {print $6, $7}')
    date -u -d "$when" +%s
}

step_status() {
    say "labctl.sh status"
    "$DEVSTACK/labctl.sh" status | sed 's/^/    /'
}

main() {
    [ "$(id -u)" = 0 ] || { echo "nodes-check.sh: needs root" >&2; exit 2; }
    [ -x "$VENV_DIR/bin/nova-lite-compute" ] || { echo "nodes-check.sh: no venv at $VENV_DIR (set VENV_DIR)" >&2; exit 2; }
    write_local_conf
    trap teardown EXIT
    trap 'exit 130' INT TERM
    step_stack
    step_services
    step_link
    step_boot
    step_kill
    step_migrate
    step_revert
    step_status
}

# Run when executed; nodes-check-moves.sh sources this file for its
# setup, steps and teardown.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
