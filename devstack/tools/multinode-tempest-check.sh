#!/bin/bash
# multinode-tempest-check.sh: Tempest's multi-node tests
# (tests/tempest/include-list-multinode.txt: live block migration, cold
# migrations, servers on multinodes, server multinode, cold migration of
# an unshelved server) against a multi-node lab brought up from a fresh
# clone, then torn down (doc/lab-nodes.md, "Tempest on the nodes").
#
#   sudo VENV_DIR=/path/to/venv devstack/tools/multinode-tempest-check.sh
#   CHECK_BRANCH=main ... (default: this checkout's branch)
#
# 1. git clone of this repository's branch CHECK_BRANCH (its committed
#    state) into a temporary directory;
# 2. there, nodes-check.sh's lab settings (temporary STATE_DIR, free
#    ports, its own databases, RabbitMQ vhost, namespace prefix and lab
#    link) with NODE_MODE=nspawn NODES=2 ./devstack/stack.sh: two systemd
#    container nodes, each with its own libvirtd and QEMU, no compute on
#    the controller;
# 3. devstack/tools/tempest-validation-check.sh --connect-method floating
#    --min-compute-nodes 2 (run_tempest_lab.py: [compute]
#    min_compute_nodes = 2, live/block and shelve migration on, the
#    multinode list; Tempest in the lab's public namespace, the guests
#    reached through floating IPs); its result line is printed;
# 4. ./devstack/unstack.sh, then no container, overlay mount, namespace,
#    cgroup or process of the run may be left; clean.sh.
# PASS/FAIL per step; exit 0 only when every step passed. VENV_DIR: a
# virtualenv with nova_lite's requirements, Keystone, gunicorn, the
# openstack CLI and Tempest (TEST_PY, default VENV_DIR/bin/python).
set -euo pipefail
SOURCE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BRANCH=${CHECK_BRANCH:-$(git -C "$SOURCE_REPO" rev-parse --abbrev-ref HEAD)}
: "${VENV_DIR:?set VENV_DIR to a virtualenv with nova_lite requirements and Tempest}"
export VENV_DIR
CLONE=$(mktemp -d /tmp/multinode-tempest.XXXXXX)
[ "$(id -u)" = 0 ] || { echo "multinode-tempest-check.sh: needs root" >&2; exit 2; }
git clone --quiet --branch "$BRANCH" "$SOURCE_REPO" "$CLONE/nova_lite"
# The clone's own nodes-check.sh: the lab's settings, steps and teardown
# (DEVSTACK and REPO are the clone's).
# shellcheck source=nodes-check.sh
source "$CLONE/nova_lite/devstack/tools/nodes-check.sh"
NODES=2
VIRT=libvirt
TEST_PY=${TEST_PY:-$VENV_DIR/bin/python}
export TEST_PY

step_tempest() {
    local rc=0
    begin "tempest: tempest-validation-check.sh --connect-method floating --min-compute-nodes 2 (include-list-multinode.txt)"
    "$DEVSTACK/tools/tempest-validation-check.sh" --connect-method floating \
        --min-compute-nodes 2 --artifacts "$WORK/tempest" >"$WORK/tempest.log" 2>&1 || rc=$?
    grep -E '^(Totals|=+$| - (Passed|Failed|Skipped))|passed, [0-9]+ failed' "$WORK/tempest.log" |
        sed 's/^/    /' || true
    grep -E '^\{[0-9]+\} .*(FAILED|SKIPPED)' "$WORK/tempest.log" | sed 's/^/    /' || true
    [ "$rc" = 0 ] || fail "Tempest failed (exit $rc; $WORK/tempest.log)"
    pass
}

tempest_main() {
    say "fresh clone of $BRANCH ($(git -C "$CLONE/nova_lite" log --oneline -1)) in $CLONE/nova_lite"
    write_local_conf
    trap 'teardown_all' EXIT
    trap 'exit 130' INT TERM
    step_stack
    step_services
    step_tempest
}

# nodes-check.sh's teardown (unstack.sh, leftovers, clean.sh), then the
# clone goes.
teardown_all() {
    local rc=$?
    set +e
    trap - EXIT
    (exit "$rc")
    (teardown)
    rc=$?
    rm -rf "$CLONE"
    exit "$rc"
}

tempest_main "$@"
