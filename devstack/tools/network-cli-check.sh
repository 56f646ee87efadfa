#!/bin/bash
# devstack/tools/network-cli-check.sh: project networks, security groups
# and floating IPs through the unmodified openstack CLI against the
# running lab, with SSH into its real QEMU guests from the public
# namespace (doc/networking.md, "Lab check").
#
#   sudo ./devstack/tools/network-cli-check.sh [network_cli_check.py options]
#
# The lab must run the libvirt driver with RabbitMQ (guest networks and
# the public namespace ${NETNS_PREFIX}pub), e.g. from a fresh clone:
#
#   ./devstack/stack.sh
#   ./devstack/tools/network-cli-check.sh
#
# As the lab's demo user (devstack/openrc demo demo) with the key pair
# demo-key (STATE_DIR/demo-key): network, subnet, router to "public",
# server on the new network, its port, a security group, a floating IP;
# SSH from the public namespace to the floating IP fails before the SSH
# rule and works after it; a server of alt_demo on its own network is
# not reachable from the first guest (see the docstring of
# network_cli_check.py). Runs with the lab's Python and openstack CLI
# (VENV_DIR), or TEST_PY / OPENSTACK. Exit status 0 only when every step
# passed.
set -euo pipefail
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../functions
source "$TOOLS_DIR/../functions"
load_settings
lab_env_load || die "no lab in $STATE_DIR (run ./devstack/stack.sh first)"
is_root || die "needs root (ip netns exec)"
pub=${NETNS_PREFIX}pub
ip netns list | awk '{print $1}' | grep -qx "$pub" ||
    die "no public namespace $pub (the lab needs libvirt and RabbitMQ; doc/networking.md)"
[ -r "$STATE_DIR/demo-key" ] || die "no $STATE_DIR/demo-key (stack.sh makes it)"
TEST_PY=${TEST_PY:-$VENV_DIR/bin/python}
[ -x "$TEST_PY" ] || die "no $TEST_PY: set TEST_PY"
# shellcheck source=/dev/null
source "$REPO_DIR/devstack/openrc" demo demo >/dev/null
export OPENSTACK=${OPENSTACK:-$(dirname "$TEST_PY")/openstack}
export ALT_OS_USERNAME=alt_demo ALT_OS_PROJECT_NAME=alt_demo
export ALT_OS_PASSWORD=$OS_PASSWORD
exec "$TEST_PY" "$TOOLS_DIR/network_cli_check.py" --public-netns "$pub" \
    --ssh-key "$STATE_DIR/demo-key" "$@"
