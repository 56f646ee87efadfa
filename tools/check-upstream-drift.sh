#!/usr/bin/env bash
# Canary for upstream drift (not part of CI): install nova_lite and its
# test requirements from the newest releases, ignoring upper-constraints.txt
# and its holds, into a throw-away virtualenv, and run the unit tests.
# Prints which packages differ from the pins, then the tests' totals; exits
# non-zero when the unconstrained set fails, i.e. when a user installing
# without the constraints would be broken today. Run it before bumping
# the constraints (tools/update-constraints.sh --upgrade) and now and then
# to learn of breakage before users do.
#
#   tools/check-upstream-drift.sh [--keep]   # --keep: leave the venv
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
venv=$(mktemp -d /tmp/nova-lite-drift.XXXXXX)
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$venv"' EXIT
echo "== unconstrained install into $venv"
uv venv -q -p python3 "$venv"
extras=bench
# libvirt-python builds against the host's libvirt headers when present.
pkg-config --exists libvirt 2>/dev/null && extras=libvirt,bench
VIRTUAL_ENV=$venv uv pip install -q --refresh -r requirements.txt \
    -r test-requirements.txt -r devstack/lab-requirements.txt -e ".[$extras]"

echo "== releases newer than upper-constraints.txt"
VIRTUAL_ENV=$venv uv pip freeze --exclude-editable | python3 -c '
import re, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
pins = dict(norm(l.split("==")[0]) and (norm(l.split("==")[0]), l.split("==")[1].strip())
            for l in open("upper-constraints.txt") if "==" in l)
moved = []
for line in sys.stdin:
    if "==" not in line:
        continue
    name, version = line.strip().split("==", 1)
    pinned = pins.get(norm(name))
    if pinned != version:
        moved.append("  %-28s %s -> %s" % (norm(name), pinned or "(not pinned)", version))
print("\n".join(moved) or "  none")'

echo "== unit tests on the unconstrained set"
rc=0
(cd "$venv" && "$venv/bin/python" -m stestr --top-dir "$OLDPWD" \
    --test-path "$OLDPWD/tests/unit" run --concurrency 2) >"$venv/unit.log" 2>&1 || rc=$?
grep -E '^ - (Passed|Failed|Skipped):' "$venv/unit.log" || tail -30 "$venv/unit.log"
if [ "$rc" -ne 0 ]; then
    grep -E '^FAIL:|Error:' "$venv/unit.log" | sort | uniq -c | sort -rn | head -8 || true
    echo "DRIFT: the newest releases break nova_lite's unit tests (log: $venv/unit.log; rerun with --keep to inspect)"
    exit 1
fi
echo "no breaking drift: the newest releases pass the unit tests"
