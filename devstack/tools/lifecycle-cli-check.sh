#!/bin/bash
# devstack/tools/lifecycle-cli-check.sh: the server lifecycle through the
# unmodified openstack CLI against the running lab, with the real QEMU
# guest's own account of every boot (doc/lifecycle.md, "Lab check").
#
#   ./devstack/tools/lifecycle-cli-check.sh [lifecycle_cli_check.py options]
#
# The lab must run the libvirt driver with soft delete on, e.g. from a
# fresh clone:
#
#   ./tools/install-system-deps.sh --browser
#   RECLAIM_INSTANCE_INTERVAL=3600 ./devstack/stack.sh
#   ./devstack/tools/lifecycle-cli-check.sh --browser
#
# As the lab's demo user (devstack/openrc demo demo): boot, snapshot and a
# boot from it, rebuild, resize + confirm, resize + revert, pause, suspend,
# shelve, rescue, soft delete + restore, console url (see the docstring of
# lifecycle_cli_check.py for what each step checks). Runs with the test
# environment's Python (REPO_DIR/.venv from the README's test install, or
# TEST_PY): the console step uses its Chromium and OCR helpers. Exit status
# 0 only when every step passed.
set -euo pipefail
TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../functions
source "$TOOLS_DIR/../functions"
load_settings
lab_env_load || die "no lab in $STATE_DIR (run ./devstack/stack.sh first)"
TEST_PY=${TEST_PY:-$REPO_DIR/.venv/bin/python}
[ -x "$TEST_PY" ] || die "no $TEST_PY: run the README's test install first, or set TEST_PY"
# shellcheck source=/dev/null
source "$REPO_DIR/devstack/openrc" demo demo >/dev/null
export OPENSTACK=${OPENSTACK:-$(dirname "$TEST_PY")/openstack}
exec "$TEST_PY" "$TOOLS_DIR/lifecycle_cli_check.py" "$@"
