#!/usr/bin/env bash
# Install nova_lite and its test dependencies into .venv (with uv) and run
# the whole test suite (unit + functional) with stestr. Needs the machine's
# RabbitMQ, MariaDB and PostgreSQL on 127.0.0.1 (started if they are down).
# Ends with "N passed, N failed" alone on the last line.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONWARNINGS=ignore::DeprecationWarning
unset PYTHONDONTWRITEBYTECODE

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "system packages"
./tools/install-system-deps.sh

step "backing services"
./tools/ensure-services.sh

step "virtualenv"
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install -q uv
fi
[ -x .venv/bin/python ] || uv venv -q .venv -p python3
export VIRTUAL_ENV="$PWD/.venv"
# Every install is pinned by upper-constraints.txt (tools/update-constraints.sh).
uv pip install -q -c upper-constraints.txt -r requirements.txt \
  -r test-requirements.txt -r devstack/lab-requirements.txt -e '.[libvirt,bench]'
.venv/bin/python -m compileall -q nova_lite tests .venv/lib >/dev/null 2>&1 || true
export PATH="$VIRTUAL_ENV/bin:$PATH"

step "dashboard assets"
./tools/fetch-dashboard-assets.sh

step "tests"
# A new stestr repository (a fresh clone) learns every test's measured
# (or default) duration first, so its two workers get equal shares from
# the first run (tools/seed-test-times.py).
if [ ! -d .stestr ]; then
  stestr init >/dev/null
  ids=$(mktemp)
  stestr list >"$ids" 2>/dev/null || true
  python tools/seed-test-times.py tests/test-times.txt "$ids" |
    stestr load >/dev/null
  rm -f "$ids"
fi
rc=0
stestr run --concurrency "${NOVA_LITE_TEST_CONCURRENCY:-2}" "$@" || rc=$?

step "results"
summary=$( (stestr last 2>/dev/null || true) |
  sed -n 's/^ - \(Passed\|Failed\|Skipped\): \([0-9]*\)/\1 \2/p')
p=$(echo "$summary" | awk '$1=="Passed"{print $2}'); p=${p:-0}
f=$(echo "$summary" | awk '$1=="Failed"{print $2}'); f=${f:-0}
s=$(echo "$summary" | awk '$1=="Skipped"{print $2}'); s=${s:-0}
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
if [ "$f" -ne 0 ]; then
  echo "failed tests:"
  (stestr failing --list 2>/dev/null || true) | sed 's/^/  /'
fi
echo "($s skipped)"
echo "$p passed, $f failed"
exit "$rc"
