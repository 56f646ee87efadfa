#!/bin/bash
# nodes-check.sh: the multi-node lab of systemd containers, end to end,
# from a fresh state, then torn down (doc/lab-nodes.md).
#
#   sudo devstack/tools/nodes-check.sh            # NODES=2
#   CHECK_NODES=3 VENV_DIR=/path/to/venv devstack/tools/nodes-check.sh
#
# 1. Writes a local.conf of its own (temporary STATE_DIR, free ports, its
#    own MariaDB databases, RabbitMQ user and vhost, namespace prefix) and
#    runs NODE_MODE=nspawn NODES=CHECK_NODES ./devstack/stack.sh with the
#    fake driver and no compute on the controller.
# 2. nova-lite-manage service list: every node's compute is up.
# 3. Boots a server as demo (openstack server create --wait); it lands on
#    a node.
# 4. Kills that node's compute (systemctl kill -s KILL inside the node):
#    systemd restarts it (Restart=on-failure, a new main pid) and it
#    reports up again; labctl.sh log shows the journal's lines.
# 5. clean.sh (also on any failure: a trap), then checks that no
#    container, overlay mount, namespace, cgroup or forwarder is left.
#
# Needs root, RabbitMQ and MariaDB on 127.0.0.1, and a venv with nova_lite,
# Keystone, gunicorn and python-openstackclient (VENV_DIR, default
# devstack/.venv). Exit 0 when every check passed.
set -euo pipefail

DEVSTACK=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$DEVSTACK/.." && pwd)
NODES=${CHECK_NODES:-2}
VENV_DIR=${VENV_DIR:-$DEVSTACK/.venv}
TAG=c$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/nodes-check.XXXXXX)
STATE=$WORK/lab
PREFIX=nl$TAG-
T0=$SECONDS

say() { printf '[%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

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
VIRT_DRIVER=fake
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
    say "NODE_MODE=nspawn NODES=$NODES ./devstack/stack.sh (state $STATE)"
    if ! "$DEVSTACK/stack.sh" >"$WORK/stack.log" 2>&1; then
        tail -n 30 "$WORK/stack.log"
        fail "stack.sh failed"
    fi
    grep -E '^==>|node (root fs|node)|node [a-z0-9]+: (booted|boot|running)|s  total' "$WORK/stack.log" |
        grep -vE '^==>' | sed 's/^ */    /'
}

step_services() {
    local i
    say "nova-lite-manage service list"
    manage service list | sed 's/^/    /'
    for ((i = 1; i <= NODES; i++)); do
        [ "$(compute_state "node$i")" = up ] || fail "nova-lite-compute on node$i is not up"
    done
    say "every node's compute is up"
    if [ "$NODES" -ge 2 ]; then
        say "the lab link: node1 -> node2, and nothing else"
        "$DEVSTACK/labctl.sh" exec node1 ip -br addr show eth0 | sed 's/^/    /'
        "$DEVSTACK/labctl.sh" exec node1 ping -c1 -W2 "$(lab_net).12" | sed -n 2p | sed 's/^/    /'
        if "$DEVSTACK/labctl.sh" exec node1 ip route get 192.0.2.1 >/dev/null 2>&1; then
            fail "node1 has a route out of the lab link"
        fi
        say "node1: no route to 192.0.2.1 (no default route)"
    fi
}

lab_net() {
    sed -n 's/^LAB_NET=//p' "$WORK/local.conf"
}

step_boot() {
    say "openstack server create --flavor m1.tiny --image tiny --network private --wait ${TAG}-vm (as demo)"
    local out id
    out=$(os_as demo server create --flavor m1.tiny --image tiny --network private \
        --wait -f value -c id -c status "${TAG}-vm")
    sed 's/^/    /' <<<"$out"
    id=$(head -n1 <<<"$out")
    HOST=$(os_as admin server show -f value -c OS-EXT-SRV-ATTR:host "$id")
    case "$HOST" in
        node[0-9]*) say "server ${TAG}-vm is ACTIVE on $HOST" ;;
        *) fail "server ${TAG}-vm is on '$HOST', not on a node" ;;
    esac
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
    step_boot
    step_kill
    step_status
}

main "$@"
