#!/bin/bash
# ha-check.sh: the HA layout of the lab, end to end, from a fresh state,
# then torn down (doc/ha-clusters.md).
#
#   devstack/tools/ha-check.sh
#   VENV_DIR=/path/to/venv devstack/tools/ha-check.sh
#
# 1. Writes a local.conf of its own (temporary STATE_DIR, free ports,
#    HA=True, the fake driver, no demo server) and runs ./devstack/stack.sh:
#    three RabbitMQ nodes, three Galera nodes behind HAProxy, two API
#    processes behind HAProxy, two conductors, two schedulers.
# 2. Boots one server with everything up (the baseline), then, one at a
#    time, stops one of: broker node 1 (SIGKILL: the node every client
#    tried first), Galera node 1 (SIGKILL: HAProxy's primary), one API
#    process, one conductor, one scheduler; runs
#    "openstack server create --wait" as demo; brings the stopped one back
#    (restart: the node rejoins its cluster). Each step prints
#    "PASS <step> (<seconds> s boot)" or "FAIL <step>: why".
# 3. Every server it created is ACTIVE, none in BUILD.
# 4. unstack.sh (also on failure: a trap), which stops the clusters; then
#    checks that no process of the lab or the clusters is left, and
#    removes the temporary state. Last line: "ha-check: N PASS, M FAIL".
#
# Needs rabbitmq-server, mariadb-server, galera-4, rsync and haproxy
# (tools/install-system-deps.sh), MariaDB on 127.0.0.1:3306 for Keystone,
# the lab ports of the clusters free (5701-5703, 3310-3313...), and a venv
# with nova_lite, Keystone, gunicorn and python-openstackclient (VENV_DIR,
# default devstack/.venv). Exit 0 when every step passed.
set -euo pipefail

DEVSTACK=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_DIR=${VENV_DIR:-$DEVSTACK/.venv}
TAG=h$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/ha-check.XXXXXX)
# mariadbd runs as mysql: it must reach the clusters' directory.
chmod 0755 "$WORK"
STATE=$WORK/lab
T0=$SECONDS
PASSED=0
FAILED=0

say() { printf '[%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
pass() { PASSED=$((PASSED + 1)); say "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); say "FAIL $*"; }

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
HA_API_PORTS="$(free_port) $(free_port)"
KEYSTONE_PORT=$(free_port)
METADATA_PORT=$(free_port)
NOVNCPROXY_PORT=$(free_port)
DATABASE_TYPE=mysql
DATABASE_NAME=nl_lab_$TAG
HA=True
VIRT_DRIVER=fake
NODES=0
DEMO_BOOT=False
EOF
}

teardown() {
    local rc=$?
    say "---- teardown (unstack.sh)"
    if "$DEVSTACK/unstack.sh" >"$WORK/unstack.log" 2>&1; then
        say "unstack.sh: $(grep -m1 -E 'HA clusters stopped|no HA clusters' "$WORK/unstack.log" || true)"
        say "unstack.sh: $(grep -m1 -E 'no lab service|still running' "$WORK/unstack.log" || echo done)"
    else
        fail "unstack.sh: see $WORK/unstack.log"
        tail -n 15 "$WORK/unstack.log"
    fi
    # The lab's databases on the machine's MariaDB (Keystone's).
    "$DEVSTACK/clean.sh" >>"$WORK/unstack.log" 2>&1 || true
    if pgrep -f "$STATE/" >/dev/null; then
        fail "processes left: $(pgrep -af "$STATE/" | cut -c1-80 | tr '\n' ';')"
    fi
    say "ha-check: $PASSED PASS, $FAILED FAIL"
    rm -rf "$WORK"
    [ "$FAILED" = 0 ] && [ "$rc" = 0 ]
}

stack() {
    say "---- stack.sh (HA=True, fake driver)"
    if ! "$DEVSTACK/stack.sh" >"$WORK/stack.log" 2>&1; then
        tail -n 30 "$WORK/stack.log"
        fail "stack.sh: see above"
        exit 1
    fi
    grep -E 'HA clusters|clusters up|nova_lite lab is up' "$WORK/stack.log" | sed 's/^/    /'
    "$DEVSTACK/labctl.sh" status | awk 'NR > 1 {print "    " $1, $2}' | tr '\n' ' '
    echo
    pass "stack.sh with HA=True"
}

# boot NAME: openstack server create --wait as demo; true when ACTIVE.
boot() {
    local status t=$SECONDS
    status=$(timeout 240 openstack server create --flavor m1.tiny \
        --image tiny --network private --wait -f value -c status "$1" 2>"$WORK/boot.err") || true
    BOOT_SECONDS=$((SECONDS - t))
    [ "$status" = ACTIVE ]
}

# step NAME STOP... -- START...: stop one thing, boot, start it again.
step() {
    local name=$1 stop=() start=()
    shift
    while [ "$1" != -- ]; do stop+=("$1"); shift; done
    shift
    start=("$@")
    say "---- $name"
    if ! "${stop[@]}" >"$WORK/stop.log" 2>&1; then
        fail "$name: could not stop it: $(tail -n 3 "$WORK/stop.log")"
        return 0
    fi
    SERVERS+=("ha-$TAG-$name")
    if boot "ha-$TAG-$name"; then
        pass "$name ($BOOT_SECONDS s boot)"
    else
        fail "$name: server not ACTIVE after $BOOT_SECONDS s: $(tail -n 2 "$WORK/boot.err" | tr '\n' ' ')"
    fi
    if ! "${start[@]}" >"$WORK/start.log" 2>&1; then
        fail "$name: could not bring it back: $(tail -n 3 "$WORK/start.log")"
    fi
}

all_active() {
    local name status ok=0
    say "---- every server ACTIVE"
    for name in "${SERVERS[@]}"; do
        status=$(openstack server show -f value -c status "$name" 2>/dev/null || echo missing)
        [ "$status" = ACTIVE ] || { ok=1; say "    $name: $status"; }
    done
    if [ "$ok" = 0 ]; then
        pass "all ${#SERVERS[@]} servers ACTIVE, none in BUILD"
    else
        fail "some servers are not ACTIVE"
    fi
}

main() {
    write_local_conf
    export NOVA_LITE_LOCAL_CONF=$WORK/local.conf
    trap teardown EXIT
    stack
    # shellcheck source=../openrc
    source "$DEVSTACK/openrc" demo demo
    local ha=("$DEVSTACK/tools/ha-clusters.sh") lab=("$DEVSTACK/labctl.sh")
    SERVERS=()
    step baseline true -- true
    step rabbit1-killed "${ha[@]}" kill rabbit1 -- "${ha[@]}" restart rabbit1
    step db1-killed "${ha[@]}" kill db1 -- "${ha[@]}" restart db1
    step api-stopped "${lab[@]}" stop api -- "${lab[@]}" start api
    step conductor-stopped "${lab[@]}" stop conductor -- "${lab[@]}" start conductor
    step scheduler-stopped "${lab[@]}" stop scheduler -- "${lab[@]}" start scheduler
    all_active
}

main "$@"
