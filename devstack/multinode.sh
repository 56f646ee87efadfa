#!/bin/bash
# multinode.sh: the lab with N extra compute nodes, each in its own network
# namespace, on this one machine.
#
#   ./devstack/multinode.sh N      # same as: NODES=N ./devstack/stack.sh
#   ./devstack/multinode.sh 0      # back to a single node
#
# Node i is namespace ${NETNS_PREFIX}${NODE_NAME_PREFIX}i (nova-lite-node1...)
# with ${LAB_NET}.(10+i) on bridge LAB_BRIDGE (${LAB_NET}.1), running one
# nova-lite-compute with host name ${NODE_NAME_PREFIX}i, its own state dir
# and instances path. It reaches the controller's RabbitMQ (the lab's own
# user) through a TCP forwarder on ${LAB_NET}.1, and no database (computes
# have no database access). Needs root, RabbitMQ and MariaDB or
# PostgreSQL. unstack.sh removes namespaces, veths, bridge and forwarder.
set -euo pipefail

usage() {
    sed -n '2,14p' "$0" >&2
    exit 2
}

[ $# -le 1 ] || usage
nodes=${1:-${NODES:-}}
[[ "$nodes" =~ ^[0-9]+$ ]] || usage
export NODES=$nodes
exec "$(dirname "${BASH_SOURCE[0]}")/stack.sh"
