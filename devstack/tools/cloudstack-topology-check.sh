#!/bin/bash
# devstack/tools/cloudstack-topology-check.sh: CloudStack's zone > pod >
# cluster > host, per-cluster memory overcommit, deployment planners and
# primary storage per cluster through the cs CLI against the running lab
# (issue 22, acceptance 1; doc/cloudstack.md).
#
#   ./devstack/tools/cloudstack-topology-check.sh [cloudstack_topology_check.py options]
#
# The lab needs three compute hosts besides any other (fake ones are
# quick) and its volume service, e.g. from a fresh clone:
#
#   VIRT_DRIVER=fake NODE_VIRT_DRIVER=fake ENABLE_CONTROLLER_COMPUTE=False \
#       ./devstack/multinode.sh 3
#   ./devstack/tools/cloudstack-topology-check.sh
#   ./devstack/unstack.sh
#
# It makes a CloudStack API key pair for the lab's admin (nova-lite-manage
# cloudstack register-keys) and runs cloudstack_topology_check.py with the
# cs client of the lab's venv (VENV_DIR; or CS, TEST_PY) on the hosts
# ${NODE_NAME_PREFIX}1..3 (or TOPOLOGY_HOSTS=a,b,c) and the volume host
# LAB_HOST. Each step prints PASS or FAIL; the last line is the totals;
# exit status 0 only when every step passed.
set -euo pipefail
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../functions
source "$TOOLS_DIR/../functions"
load_settings
lab_env_load || die "no lab in $STATE_DIR (run ./devstack/stack.sh first)"
TEST_PY=${TEST_PY:-$VENV_DIR/bin/python}
[ -x "$TEST_PY" ] || die "no $TEST_PY: set TEST_PY"
CS=${CS:-$(dirname "$TEST_PY")/cs}
[ -x "${CS%% *}" ] || die "no cs client at $CS (devstack/lab-requirements.txt; or set CS)"
manage=$STATE_DIR/bin/nova-lite-manage
[ -x "$manage" ] || manage=$(dirname "$TEST_PY")/nova-lite-manage
keys=$("$manage" cloudstack register-keys --user admin --project admin) ||
    die "could not make the admin's CloudStack API key pair"
CLOUDSTACK_KEY=$(awk '$1 == "apikey" {print $3}' <<<"$keys")
CLOUDSTACK_SECRET=$(awk '$1 == "secretkey" {print $3}' <<<"$keys")
[ -n "$CLOUDSTACK_KEY" ] && [ -n "$CLOUDSTACK_SECRET" ] ||
    die "register-keys printed no key pair"
export CLOUDSTACK_KEY CLOUDSTACK_SECRET CS
export CLOUDSTACK_ENDPOINT=$API_URL/client/api
export CLOUDSTACK_POLL_INTERVAL=0.5 CLOUDSTACK_JOB_TIMEOUT=300
unset CLOUDSTACK_CONFIG
hosts=${TOPOLOGY_HOSTS:-${NODE_NAME_PREFIX}1,${NODE_NAME_PREFIX}2,${NODE_NAME_PREFIX}3}
exec "$TEST_PY" "$TOOLS_DIR/cloudstack_topology_check.py" --hosts "$hosts" \
    --volume-host "$LAB_HOST" --template "${DEMO_IMAGE:-tiny}" "$@"
