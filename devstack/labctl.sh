#!/bin/bash
# labctl.sh: look at and control single services of a running lab.
#
#   ./devstack/labctl.sh status                 every service: state, pid, log
#   ./devstack/labctl.sh stop NAME...           e.g. stop compute-node2
#   ./devstack/labctl.sh start NAME...          start again (same command)
#   ./devstack/labctl.sh restart NAME...
#   ./devstack/labctl.sh log NAME [LINES]       tail of its log
#
# NAME is a service stack.sh started: api, conductor, scheduler, compute,
# all (in-process bus), compute-<node>, fwd-rabbit, fwd-api, fwd-keystone,
# gn-<host>-libvirtd|dhcp|mdproxy|mdfwd.
set -euo pipefail

# shellcheck source=functions
source "$(dirname "${BASH_SOURCE[0]}")/functions"
# shellcheck source=lib/services
source "$DEVSTACK_DIR/lib/services"

usage() {
    sed -n '2,11p' "$0" >&2
    exit 2
}

known() {
    [ -f "$RUN_DIR/$1.cmd" ] || die "no service '$1' (see: $PROG status)"
}

status() {
    local name state
    printf '%-22s %-8s %-8s %s\n' SERVICE STATE PID LOG
    for name in $(svc_names); do
        state=stopped
        svc_running "$name" && state=running
        printf '%-22s %-8s %-8s %s\n' "$name" "$state" "$(svc_pid "$name" || true)" \
            "$LOG_DIR/$name.log"
    done
    if [ -s "$KEYSTONE_STATE/keystone.pid" ]; then
        local pid
        pid=$(cat "$KEYSTONE_STATE/keystone.pid")
        state=stopped
        kill -0 "$pid" 2>/dev/null && state=running
        printf '%-22s %-8s %-8s %s\n' keystone "$state" "$pid" "$KEYSTONE_STATE/keystone.log"
    fi
}

start_one() {
    local name=$1 cmd
    known "$name"
    cmd=$(cat "$RUN_DIR/$name.cmd")
    eval "svc_start \"\$name\" $cmd"
}

main() {
    load_settings
    [ $# -ge 1 ] || usage
    local action=$1 name
    shift
    case "$action" in
        status) status ;;
        stop) [ $# -ge 1 ] || usage; for name; do known "$name"; svc_stop "$name"; done ;;
        start) [ $# -ge 1 ] || usage; for name; do start_one "$name"; done ;;
        restart)
            [ $# -ge 1 ] || usage
            for name; do known "$name"; svc_stop "$name"; start_one "$name"; done
            ;;
        log) [ $# -ge 1 ] || usage; known "$1"; tail -n "${2:-40}" "$LOG_DIR/$1.log" ;;
        *) usage ;;
    esac
}

main "$@"
