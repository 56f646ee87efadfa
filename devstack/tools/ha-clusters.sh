#!/bin/bash
# ha-clusters.sh: the HA lab's three-node RabbitMQ and Galera clusters and
# their HAProxy, by hand (nova_lite.bench.ha_clusters: the code the
# functional tests use too).
#
#   devstack/tools/ha-clusters.sh start      # ~25 s; prints the URLs
#   devstack/tools/ha-clusters.sh status     # each process; Galera states
#   devstack/tools/ha-clusters.sh env        # TRANSPORT_URL=, DB_CONNECTION=
#   devstack/tools/ha-clusters.sh conf       # nova_lite.conf lines for them
#   devstack/tools/ha-clusters.sh kill NODE      # SIGKILL; NODE: rabbit1-3, db1-3
#   devstack/tools/ha-clusters.sh restart NODE   # start again, rejoin, wait
#   devstack/tools/ha-clusters.sh stop       # no process and no file left
#
# The lab's settings give the directory (HA_DIR, default STATE_DIR/ha)
# and the API ports HAProxy balances (API_PORT, HA_API_PORTS); without a
# lab, e.g.  HA_DIR=/tmp/ha devstack/tools/ha-clusters.sh start.
# stack.sh (HA=True) starts the clusters and unstack.sh stops them.
set -euo pipefail

# shellcheck source=../functions
source "$(dirname "${BASH_SOURCE[0]}")/../functions"
# shellcheck source=../lib/ha
source "$DEVSTACK_DIR/lib/ha"
load_settings
[ -x "$PY" ] || PY=$(command -v python3)
case "${1:-}" in
    start | stop | status | env | conf) [ $# = 1 ] || die "usage: $PROG $1" ;;
    kill | restart) [ $# = 2 ] || die "usage: $PROG $1 rabbit1-3|db1-3" ;;
    *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
ha_clusters "$@"
