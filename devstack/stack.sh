#!/bin/bash
# stack.sh: bring up a nova_lite cloud on this machine and boot a demo
# server with the openstack CLI.
#
#   ./devstack/stack.sh              # settings: devstack/stackrc + local.conf
#   NODES=3 ./devstack/stack.sh      # plus 3 compute nodes in namespaces
#   NODE_MODE=nspawn NODES=3 ./devstack/stack.sh
#                                    # ... as booted systemd containers
#                                    # (doc/lab-nodes.md)
#   HA=True ./devstack/stack.sh      # three-node RabbitMQ and Galera
#                                    # clusters, HAProxy, two of each
#                                    # controller service (doc/ha-clusters.md)
#
# Steps (each one timed): system packages, virtualenv, database, message
# bus, hypervisor, configuration, Keystone, schema, flavors/network,
# images, guest network (namespace, DHCP, metadata), services, namespaced nodes, service check, Prometheus, demo
# server.
#
# Idempotent: a second run finds everything in place, restarts only the
# services whose command or config changed, and keeps the demo server.
# Undo with ./devstack/unstack.sh (stop) or ./devstack/clean.sh (stop and
# delete the state). See doc/install.md.
set -euo pipefail

# shellcheck source=functions
source "$(dirname "${BASH_SOURCE[0]}")/functions"
for lib in services python database rabbitmq ha keystone libvirt nova_lite guestnet netns nodes prometheus demo; do
    # shellcheck disable=SC1090
    source "$DEVSTACK_DIR/lib/$lib"
done

preflight() {
    [ "${BASH_VERSINFO[0]}" -ge 5 ] || die "bash 5 or newer is needed"
    have curl || die "curl is needed"
    [[ "$NODES" =~ ^[0-9]+$ ]] || die "NODES=$NODES: expected a number"
    mkdir -p "$STATE_DIR" "$ETC_DIR" "$LOG_DIR" "$RUN_DIR" "$NOVA_STATE"
    # QEMU runs as libvirt-qemu: it must be able to walk to instance files.
    chmod 0755 "$STATE_DIR" "$NOVA_STATE"
    say "repository:  $REPO_DIR"
    say "state:       $STATE_DIR"
    say "settings:    $DEVSTACK_DIR/stackrc${LOCAL_CONF_USED:+ + $LOCAL_CONF_USED}"
    say "services as: $(svc_manager) $( [ "$(svc_manager)" = systemd ] && echo units || echo "(supervised background processes)")"
}

system_packages() {
    if ! is_root; then
        say "not root: skipping Debian packages (install libvirt-dev and pkg-config yourself)"
    elif ! is_true "$INSTALL_SYSTEM_PACKAGES"; then
        say "INSTALL_SYSTEM_PACKAGES=$INSTALL_SYSTEM_PACKAGES: skipped"
    else
        "$REPO_DIR/tools/install-system-deps.sh" 2>&1 | sed 's/^/    /'
    fi
}

# A lab keeps its database, bus and driver: switching needs clean.sh.
check_same_cloud() {
    local what=$1 old=$2 new=$3
    if [ -n "$old" ] && [ "$old" != "$new" ]; then
        die "this lab was stacked with $what=$old, now $what=$new; run ./devstack/clean.sh first"
    fi
}

choose_backends() {
    local old_db='' old_bus='' old_virt=''
    if lab_env_load; then
        old_db=${LAB_DB_TYPE:-} old_bus=${LAB_BUS:-} old_virt=${LAB_VIRT:-}
    fi
    step "Database" database_setup
    check_same_cloud database "$old_db" "$DB_TYPE"
    if ha_enabled; then
        step "HA clusters (3 RabbitMQ, 3 Galera, HAProxy)" ha_setup
    else
        step "Message bus" rabbit_setup
    fi
    check_same_cloud bus "$old_bus" "$BUS"
    step "Hypervisor" virt_setup
    check_same_cloud virt_driver "$old_virt" "$VIRT"
}

print_summary() {
    step_summary
    cat <<EOF

nova_lite lab is up ($(ha_enabled && echo "HA: Galera + RabbitMQ clusters, two of each controller service" || echo "$DB_TYPE database, $([ "$BUS" = rabbit ] && echo RabbitMQ || echo "in-process bus")"), $VIRT driver, $NODES node(s): $(nodes_kind)).
  Compute API  $API_URL/v2.1      Keystone  $AUTH_URL
  Dashboard    http://$SERVICE_HOST:$DASHBOARD_PORT/   (user demo, project demo; password: source devstack/openrc; echo \$OS_PASSWORD)
  Credentials  source devstack/openrc demo demo   (or: admin admin)
  Logs         $LOG_DIR/<service>.log     Services  ./devstack/labctl.sh status
  Stop         ./devstack/unstack.sh      Remove    ./devstack/clean.sh
EOF
    if [ -n "${DEMO_SSH:-}" ]; then
        echo "  SSH          $DEMO_SSH"
    fi
}

main() {
    install_error_trap
    load_settings
    step "Preflight" preflight
    step "System packages" system_packages
    step "Python virtualenv (uv)" python_setup
    choose_backends
    step "nova_lite configuration" nova_config
    step "Keystone (users, projects, roles, catalog)" keystone_setup
    step "Database schema (nova-lite-manage db sync)" nova_db_sync
    step "Flavors and flat network (nova-lite-manage bootstrap)" nova_bootstrap
    step "Images" nova_images
    step "Guest network and metadata service" guestnet_setup
    step "nova_lite services" nova_start_services
    step "Compute nodes ($(nodes_kind), NODES=$NODES)" nodes_setup
    step "Services up" nova_wait_services
    if [ "$NODE_MODE" = nspawn ] && [ "$NODES" -gt 0 ]; then
        step "Nodes: boot time and memory" nspawn_nodes_report
    fi
    step "Prometheus (PROMETHEUS=$PROMETHEUS)" prometheus_setup
    if is_true "$DEMO_BOOT"; then
        step "Demo server ($DEMO_SERVER)" demo_boot
    fi
    print_summary
}

main "$@"
