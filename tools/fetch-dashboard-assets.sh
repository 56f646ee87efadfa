#!/usr/bin/env bash
# Fetch the dashboard's vendored browser assets (htmx, Pico CSS) into
# nova_lite/dashboard/assets/node_modules/ with 'npm ci', which installs
# exactly the versions in package-lock.json and checks every tarball
# against the lock file's sha512 integrity hash. The files are never
# committed (.gitignore); run_tests.sh and devstack call this script.
# Skips npm when the files are there and the lock file (or package.json)
# is not newer than the last install (node_modules/.package-lock.json).
#
#   tools/fetch-dashboard-assets.sh
set -euo pipefail
assets=$(cd "$(dirname "$0")/.." && pwd)/nova_lite/dashboard/assets
cd "$assets"
modules=node_modules
if [ -f "$modules/htmx.org/dist/htmx.min.js" ] &&
   [ -f "$modules/@picocss/pico/css/pico.min.css" ] &&
   [ -f "$modules/.package-lock.json" ] &&
   ! [ package-lock.json -nt "$modules/.package-lock.json" ] &&
   ! [ package.json -nt "$modules/.package-lock.json" ]; then
  echo "dashboard assets: up to date in $assets/$modules"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "dashboard assets: npm not found; install it (tools/install-system-deps.sh" \
       "installs Debian's npm) and run $0 again" >&2
  exit 1
fi
echo "dashboard assets: npm ci in $assets"
npm ci --ignore-scripts --no-audit --no-fund
for f in "$modules/htmx.org/dist/htmx.min.js" "$modules/@picocss/pico/css/pico.min.css"; do
  [ -f "$f" ] || { echo "dashboard assets: $assets/$f missing after npm ci" >&2; exit 1; }
done
