#!/bin/bash
# unstack.sh: stop what stack.sh started, and nothing else.
#
#   ./devstack/unstack.sh
#
# Halts the lab's node containers (NODE_MODE=nspawn) and deletes their
# namespaces and cgroups first, while the forwarders still run. Then stops
# every service stack.sh recorded in STATE_DIR/run (systemd unit or
# supervised process group, SIGKILL after a timeout), Keystone (its
# gunicorn pid file), the forwarders; deletes the namespaces, veths and
# bridge of the multi-node lab and the guest networks' namespaces; powers
# off the lab's libvirt guests first (their instances show SHUTOFF; the
# next stack.sh starts the demo server again); stops the HA clusters
# (HA=True), which removes their data. Databases, RabbitMQ account, configs and logs stay: clean.sh
# removes them. Safe to run twice.
set -euo pipefail

# shellcheck source=functions
source "$(dirname "${BASH_SOURCE[0]}")/functions"
for lib in services keystone libvirt nova_lite guestnet netns nodes ha; do
    # shellcheck disable=SC1090
    source "$DEVSTACK_DIR/lib/$lib"
done

# Every service at once (a stop costs the slowest shutdown, not the sum),
# but the forwarders last: namespaced computes still talk to RabbitMQ and
# the database through them while they shut down.
stop_services() {
    local name services=() forwarders=()
    for name in $(svc_names); do
        case "$name" in
            fwd-*) forwarders+=("$name") ;;
            *) services+=("$name") ;;
        esac
    done
    if [ "${#services[@]}" -eq 0 ] && [ "${#forwarders[@]}" -eq 0 ]; then
        say "no service recorded in $RUN_DIR"
        return 0
    fi
    [ "${#services[@]}" -eq 0 ] || svc_stop_many "${services[@]}"
    [ "${#forwarders[@]}" -eq 0 ] || svc_stop_many "${forwarders[@]}"
}

# The containers' computes stop through the forwarders: before them.
stop_containers() {
    if ! is_root; then
        say "not root: no containers to halt"
    elif [ "${LAB_NODE_MODE:-}" = nspawn ] || nspawn_nodes_running; then
        nspawn_nodes_teardown
    else
        say "no node containers (NODE_MODE=${LAB_NODE_MODE:-netns})"
    fi
}

stop_nodes() {
    if is_root; then
        nodes_teardown
    else
        say "not root: no namespaces to remove"
    fi
}

# Processes still running from this lab: our supervisors, service pids,
# Keystone's gunicorn. Prints them; false when there are some.
check_nothing_left() {
    local left=() name pid
    for name in $(svc_names); do
        svc_running "$name" && left+=("$name")
    done
    if [ -s "$KEYSTONE_STATE/keystone.pid" ]; then
        pid=$(cat "$KEYSTONE_STATE/keystone.pid")
        kill -0 "$pid" 2>/dev/null && left+=("keystone(pid $pid)")
    fi
    if is_root && [ -n "$(lab_namespaces)" ]; then
        left+=("namespaces: $(lab_namespaces | tr '\n' ' ')")
    fi
    if is_root && [ -n "$(nspawn_nodes_left)" ]; then
        left+=("nodes: $(nspawn_nodes_left | tr '\n' ' ')")
    fi
    if is_root && [ -n "$(guestnet_namespaces)" ]; then
        left+=("guest network namespaces: $(guestnet_namespaces | tr '\n' ' ')")
    fi
    if [ -n "$(ha_left)" ]; then
        left+=("HA clusters: $(ha_left | tr '\n' ' ')")
    fi
    if [ -n "$(nova_volume_exports_left)" ]; then
        left+=("volume exports: $(nova_volume_exports_left | tr '\n' ' ')")
    fi
    if [ "${#left[@]}" -gt 0 ]; then
        warn "still running: ${left[*]}"
        return 1
    fi
    say "no lab service, Keystone, container, namespace or HA cluster left"
}

main() {
    install_error_trap
    load_settings
    if ! lab_env_load; then
        say "no $LAB_ENV: nothing was stacked with these settings"
    fi
    # Guests first: their libvirtd (a service of the guest network) must
    # still answer.
    step "Lab guests" guests_poweroff
    step "Node containers" stop_containers
    step "Services (nova_lite, nodes, forwarders)" stop_services
    step "Volume exports" nova_volume_exports_stop
    step "Namespaces and bridge" stop_nodes
    step "Guest networks" guestnet_teardown
    step "Keystone" keystone_stop
    step "HA clusters" ha_teardown
    step "Guest bridge" guest_bridge_remove
    step "Check" check_nothing_left
    step_summary
}

main "$@"
