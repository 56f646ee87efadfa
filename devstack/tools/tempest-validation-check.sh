#!/bin/bash
# devstack/tools/tempest-validation-check.sh: Tempest with guest validation
# (SSH into the lab's real QEMU guests) against the running lab.
#
#   sudo ./devstack/tools/tempest-validation-check.sh [run_tempest_lab.py options]
#   sudo ./devstack/tools/tempest-validation-check.sh --connect-method floating
#   sudo ./devstack/tools/tempest-validation-check.sh --connect-method floating \
#       --credentials dynamic
#
# Tempest must reach the guests' fixed addresses, which exist only in the
# lab's guest network namespace (LAB_GUEST_NETNS of STATE_DIR/lab.env,
# doc/networking.md), so it runs there (ip netns exec); with
# --connect-method floating it runs in the public namespace
# ${NETNS_PREFIX}pub instead and reaches the guests through floating IPs
# (tests/tempest/include-list-floating.txt). That namespace has
# no route to the machine's loopback, where Keystone (KEYSTONE_PORT) and the
# compute API (API_PORT) listen: each port is relayed as the metadata
# service is, through a Unix socket in STATE_DIR/run/tempest-relay (socat on
# the machine's side, socat on the namespace's 127.0.0.1:<same port>), so
# the catalog's http://127.0.0.1:<port> URLs work unchanged inside. The
# relays stop when the script exits.
#
# Then tests/tempest/run_tempest_lab.py writes tempest.conf with
# [validation] run_validation = True, connect_method = fixed,
# auth_method = keypair, security_group = True, image_ssh_user = root,
# pre-provisioned accounts of the lab's users (or, with --credentials
# dynamic, the lab's admin making a project, users and an isolated
# network with a router to "public" per test class), and runs the tests
# of tests/tempest/include-list-validation.txt (include-list-floating.txt
# with --connect-method floating, include-list-isolated.txt with
# --credentials dynamic; or --regex R). Exit status: run_tempest_lab.py's
# (0 only when every listed test passed).
set -euo pipefail
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../functions
source "$TOOLS_DIR/../functions"
load_settings
lab_env_load || die "no lab in $STATE_DIR (run ./devstack/stack.sh first)"
is_root || die "needs root (ip netns exec)"
have socat || die "socat is missing (tools/install-system-deps.sh)"
# Tempest and the test fixtures live in the test environment (the README's
# test command makes REPO_DIR/.venv), not in the lab's own.
TEST_PY=${TEST_PY:-$REPO_DIR/.venv/bin/python}
"$TEST_PY" -c 'import tempest, fixtures' 2>/dev/null ||
    die "no Tempest in $TEST_PY: run the README's test install (./run_tests.sh) first, or set TEST_PY"
ns=${LAB_GUEST_NETNS:-}
# --connect-method floating: Tempest reaches the servers through floating
# IPs, from the public namespace (the lab's stand-in for the outside).
prev=
for arg in "$@"; do
    if [ "$arg" = --connect-method=floating ] ||
        { [ "$prev" = --connect-method ] && [ "$arg" = floating ]; }; then
        ns=${NETNS_PREFIX}pub
    fi
    prev=$arg
done
# (A lab of container nodes without a compute on the controller has no
# guest namespace of its own: its runs are floating ones.)
[ -n "$ns" ] || die "the lab has no guest network (needs libvirt and RabbitMQ; see doc/networking.md); with container nodes use --connect-method floating"
ip netns list | awk '{print $1}' | grep -qx "$ns" || die "namespace $ns does not exist (is the lab up?)"

relay_dir=$RUN_DIR/tempest-relay
mkdir -p "$relay_dir"
chmod 0700 "$relay_dir"
relays=()
stop_relays() {
    local pid
    for pid in "${relays[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -f "$relay_dir"/*.sock
}
trap stop_relays EXIT

# relay PORT: the namespace's 127.0.0.1:PORT to SERVICE_HOST:PORT.
relay() {
    local port=$1 sock=$relay_dir/$1.sock
    socat "UNIX-LISTEN:$sock,fork,unlink-early,mode=600" "TCP:$SERVICE_HOST:$port" &
    relays+=("$!")
    wait_until 10 "relay socket $sock" test -S "$sock" || die "socat did not make $sock"
    ip netns exec "$ns" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" \
        "UNIX-CONNECT:$sock" &
    relays+=("$!")
}
relay "$KEYSTONE_PORT"
relay "$API_PORT"
auth_url=http://127.0.0.1:$KEYSTONE_PORT/v3
_keystone_answers() {
    ip netns exec "$ns" "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$auth_url" >/dev/null 2>&1
}
wait_until 20 "Keystone from inside $ns" _keystone_answers || die "Keystone does not answer inside $ns"
say "Tempest in $ns against $auth_url (Keystone and the compute API relayed into the namespace)"

export ADMIN_PASSWORD
ip netns exec "$ns" env PYTHONPATH="$REPO_DIR${PYTHONPATH:+:$PYTHONPATH}" \
    "$TEST_PY" "$REPO_DIR/tests/tempest/run_tempest_lab.py" --auth-url "$auth_url" "$@"
