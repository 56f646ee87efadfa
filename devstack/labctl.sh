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
# nfwd-<port>, gn-<host>-libvirtd|dhcp|mdproxy|mdfwd; with HA=True also
# api2, conductor2, scheduler2 (the clusters' nodes: tools/ha-clusters.sh).
#
# Nodes that are systemd containers (NODE_MODE=nspawn), through their
# systemd (nsenter into the node, then systemctl/journalctl):
#
#   ./devstack/labctl.sh status NODE [SERVICE]  systemctl status in NODE
#   ./devstack/labctl.sh stop|start|restart NODE SERVICE
#   ./devstack/labctl.sh log NODE SERVICE [LINES]   its journal
#   ./devstack/labctl.sh kill NODE SERVICE [SIGNAL] systemctl kill (KILL)
#   ./devstack/labctl.sh stop|start NODE        halt / boot the container
#   ./devstack/labctl.sh exec NODE COMMAND...   any command inside NODE
#
# SERVICE: compute (unit nova-lite-compute), fwd@<port>, or any unit name.
set -euo pipefail

# shellcheck source=functions
source "$(dirname "${BASH_SOURCE[0]}")/functions"
for lib in services libvirt nova_lite guestnet netns nodes ha; do
    # shellcheck disable=SC1090
    source "$DEVSTACK_DIR/lib/$lib"
done

usage() {
    sed -n '2,24p' "$0" >&2
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

# Nodes (systemd containers): their state, then the lab's services.
nodes_status() {
    local node state init
    [ -n "$(nspawn_node_names)" ] || return 0
    printf '\n%-10s %-8s %-8s %-7s %-7s %s\n' NODE STATE PID BOOT PSS UNITS
    for node in $(nspawn_node_names); do
        state=stopped init=''
        if node_running "$node"; then
            state=running
            init=$(node_exec "$node" systemctl is-active nova-lite-compute \
                "nova-lite-fwd@$RABBIT_PORT" 2>/dev/null | paste -sd/ - || true)
        fi
        printf '%-10s %-8s %-8s %-7s %-7s %s\n' "$node" "$state" \
            "$(node_pid "$node" || true)" \
            "$(cat "$RUN_DIR/node-$node.boot" 2>/dev/null || echo -)s" \
            "$([ "$state" = running ] && node_pss_mb "$node" || echo 0)MB" \
            "${init:+compute/fwd: $init}"
    done
}

# True when NAME is a node of NODE_MODE=nspawn (running or halted).
is_node() {
    [[ "$1" =~ ^${NODE_NAME_PREFIX}[0-9]+$ ]] && [ -d "$NODES_DIR/$1/upper" ]
}

# Boot a halted node again (its namespace, units and config as stacked).
node_start() {
    local node=$1 i
    i=${node#"$NODE_NAME_PREFIX"}
    if node_running "$node"; then
        say "node $node: already running"
        return 0
    fi
    NODE_ROOTFS=$(node_rootfs_path)
    [ -d "$NODE_ROOTFS" ] || die "no node root fs $NODE_ROOTFS: run stack.sh"
    node_netns_ensure "$i"
    node_boot "$i"
    node_fingerprint "$i" >"$RUN_DIR/node-$node.fp"
    say "node $node: booted in $NODE_BOOT_SECONDS s"
}

# labctl.sh ACTION NODE [ARGS...] for a node.
node_action() {
    local action=$1 node=$2
    shift 2
    case "$action" in
        status) node_exec "$node" systemctl status --no-pager \
            ${1:+"$(node_unit_name "$1")"} || true ;;
        stop | start | restart)
            if [ $# -eq 0 ]; then
                case "$action" in
                    stop) node_halt "$node" ;;
                    start) node_start "$node" ;;
                    restart) node_halt "$node"; node_start "$node" ;;
                esac
            else
                node_exec "$node" systemctl "$action" "$(node_unit_name "$1")"
                node_exec "$node" systemctl is-active "$(node_unit_name "$1")" || true
            fi
            ;;
        log) [ $# -ge 1 ] || usage
            node_exec "$node" journalctl --no-pager -o short-precise \
                -u "$(node_unit_name "$1")" -n "${2:-40}" ;;
        kill) [ $# -ge 1 ] || usage
            node_exec "$node" systemctl kill -s "${2:-KILL}" "$(node_unit_name "$1")" ;;
        exec) [ $# -ge 1 ] || usage; node_exec "$node" "$@" ;;
        *) usage ;;
    esac
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
    if [ $# -ge 1 ] && is_node "$1"; then
        node_action "$action" "$@"
        return
    fi
    case "$action" in
        status) status; nodes_status ;;
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
