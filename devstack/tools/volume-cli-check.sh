#!/bin/bash
# devstack/tools/volume-cli-check.sh: volumes through the unmodified
# openstack CLI against the running lab, written and read inside its real
# QEMU guests over SSH (issue 21, acceptance 1; doc/volumes.md, "Lab
# check").
#
#   sudo ./devstack/tools/volume-cli-check.sh [volume_cli_check.py options]
#
# The lab must run the libvirt driver with RabbitMQ (the guest networks
# of its computes, their storage network to nova-lite-volume), e.g. from
# a fresh clone:
#
#   ./devstack/stack.sh                                # one compute
#   NODE_MODE=nspawn NODES=1 ./devstack/stack.sh       # and a node
#   ./devstack/tools/volume-cli-check.sh
#
# As the lab's demo user (devstack/openrc demo demo) with the key pair
# demo-key (STATE_DIR/demo-key): volume create, two servers (on two
# compute nodes when the lab has two or more: --other-host), server add
# volume (the guest's console shows the disk), a marker written to the
# disk over SSH, server remove volume, server add volume to the second
# server, its export reached from that server's node only, the marker
# read there over SSH; then boot from volume: server create --volume (a
# bootable volume made of the tiny image) and server create
# --boot-from-volume 1 (the CLI's default delete_on_termination, false,
# and --delete-on-termination), each ACTIVE and its guest's root on the
# volume over SSH, the servers deleted (the volume given with --volume
# and the one kept by false are available, the true one is deleted);
# volume delete (see the docstring of volume_cli_check.py). SSH runs
# from the namespace of each server's QEMU (its compute's guest
# network) to its fixed address. Runs with the lab's Python and
# openstack CLI (VENV_DIR), or TEST_PY / OPENSTACK. Exit status 0 only
# when every step passed.
set -euo pipefail
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../functions
source "$TOOLS_DIR/../functions"
load_settings
lab_env_load || die "no lab in $STATE_DIR (run ./devstack/stack.sh first)"
is_root || die "needs root (ip netns exec)"
# Compute hosts: the nodes, and the controller's when it has its guest
# network.
computes=${LAB_NODES:-0}
opts=()
ns=${LAB_GUEST_NETNS:-}
if [ -n "$ns" ] && ip netns list | awk '{print $1}' | grep -qx "$ns"; then
    opts+=(--guest-netns "$ns")
    computes=$((computes + 1))
elif [ "${LAB_NODES:-0}" -eq 0 ]; then
    die "no guest network namespace (the lab needs libvirt and RabbitMQ; doc/networking.md)"
fi
[ "$computes" -lt 2 ] || opts+=(--other-host)
[ -r "$STATE_DIR/demo-key" ] || die "no $STATE_DIR/demo-key (stack.sh makes it)"
TEST_PY=${TEST_PY:-$VENV_DIR/bin/python}
[ -x "$TEST_PY" ] || die "no $TEST_PY: set TEST_PY"
# shellcheck source=/dev/null
source "$REPO_DIR/devstack/openrc" demo demo >/dev/null
export OPENSTACK=${OPENSTACK:-$(dirname "$TEST_PY")/openstack}
exec "$TEST_PY" "$TOOLS_DIR/volume_cli_check.py" "${opts[@]}" \
    --ssh-key "$STATE_DIR/demo-key" --network "$DEMO_NETWORK" \
    --key-name "$DEMO_KEY" "$@"
