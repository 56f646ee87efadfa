#!/bin/bash
# guestnet-link-check.sh: check the lab link between guest networks on a
# running multi-node lab with libvirt nodes:
#
#   NODES=1 NODE_VIRT_DRIVER=libvirt ./devstack/stack.sh
#   ./devstack/tools/guestnet-link-check.sh [NODE]     # NODE: node1
#
# As admin, boots one server on the controller's compute (LAB_HOST) and one
# on NODE (microversion 2.74's --host), with the demo's key (as admin's
# key pair link-check-key), and
# then checks, printing one line per check:
#   * each server answers SSH from its own node's guest namespace, at the
#     address the API reports, with the hostname the API reports;
#   * each got its lease from its own node's dnsmasq (the lease files);
#   * each sees the gateway at GUEST_GATEWAY_MAC;
#   * the first reaches the second across the link (ping from inside the
#     guest), and the second the first (both are in admin's default
#     security group, which lets its members in; SSH from the namespaces
#     gets an ingress tcp/22 rule in it).
# Deletes both servers at the end. Exits non-zero on the first failed
# check. Needs root (ip netns) and a lab with guest networks.
set -euo pipefail

# shellcheck source=../functions
source "$(dirname "${BASH_SOURCE[0]}")/../functions"
# shellcheck source=../lib/guestnet
source "$DEVSTACK_DIR/lib/guestnet"
load_settings

NODE=${1:-${NODE_NAME_PREFIX}1}
TIMEOUT=${LINK_CHECK_TIMEOUT:-300}
KEY_FILE=$STATE_DIR/demo-key
KEY_NAME=link-check-key
SERVERS=()

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

ok() {
    echo "ok: $*"
}

cleanup() {
    local s
    for s in "${SERVERS[@]}"; do
        openstack server delete --wait "$s" >/dev/null 2>&1 || true
    done
    openstack keypair delete "$KEY_NAME" >/dev/null 2>&1 || true
}
trap cleanup EXIT

ssh_cmd() {
    local host=$1 addr=$2
    echo ip netns exec "$(guest_ns "$host")" ssh -i "$KEY_FILE" \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR "root@$addr"
}

ssh_run() {
    local host=$1 addr=$2
    shift 2
    # shellcheck disable=SC2046
    $(ssh_cmd "$host" "$addr") "$@" </dev/null
}

ssh_ready() {
    ssh_run "$1" "$2" true >/dev/null 2>&1
}

boot() {
    local name=$1 host=$2
    SERVERS+=("$name")
    openstack --os-compute-api-version 2.74 server create --flavor "$DEMO_FLAVOR" \
        --image "$DEMO_IMAGE" --key-name "$KEY_NAME" --host "$host" \
        -f value -c id "$name" >/dev/null
}

server_field() {
    openstack server show -f value -c "$2" "$1"
}

wait_active() {
    local name=$1 status deadline=$((SECONDS + TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        status=$(server_field "$name" status)
        case "$status" in
            ACTIVE) return 0 ;;
            ERROR) fail "$name is ERROR: $(server_field "$name" fault)" ;;
        esac
        sleep 3
    done
    fail "$name is not ACTIVE after $TIMEOUT s"
}

address_of() {
    server_field "$1" addresses | grep -oE '[0-9]+(\.[0-9]+){3}' | head -n1
}

check_server() {
    local name=$1 host=$2 addr=$3 out mac
    wait_until "$TIMEOUT" "ssh root@$addr from $(guest_ns "$host")" ssh_ready "$host" "$addr" ||
        fail "$name ($addr) does not answer SSH from $(guest_ns "$host")"
    out=$(ssh_run "$host" "$addr" hostname)
    [ "$out" = "$name" ] || fail "$name: hostname is '$out'"
    ok "$name on $host: SSH to $addr from $(guest_ns "$host"), hostname $out"
    grep -q " $addr " "$(guestnet_dir "$host")/dnsmasq.leases" ||
        fail "$name: no lease for $addr in $host's dnsmasq.leases"
    ok "$name: lease for $addr from $host's dnsmasq"
    mac=$(ssh_run "$host" "$addr" "ping -c1 -W3 $(guestnet_gateway) >/dev/null; ip neigh show $(guestnet_gateway)" |
        grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}' || true)
    [ "$mac" = "$GUEST_GATEWAY_MAC" ] || fail "$name: gateway MAC is '$mac', not $GUEST_GATEWAY_MAC"
    ok "$name: gateway $(guestnet_gateway) at $mac"
}

check_ping() {
    local from=$1 host=$2 addr=$3 to_addr=$4
    ssh_run "$host" "$addr" "ping -c3 -W3 $to_addr" >/dev/null ||
        fail "$from ($addr) does not reach $to_addr across the lab link"
    ok "$from ($addr, on $host) reaches $to_addr across the lab link"
}

main() {
    local a=link-a b=link-b addr_a addr_b
    is_root || fail "needs root (ip netns)"
    [ -s "$KEY_FILE" ] || fail "no demo key $KEY_FILE: run ./devstack/stack.sh first"
    ip netns list | awk '{print $1}' | grep -qx "$(guest_ns "$NODE")" ||
        fail "no guest network for $NODE: NODES=1 NODE_VIRT_DRIVER=libvirt ./devstack/stack.sh"
    # shellcheck source=../openrc
    source "$DEVSTACK_DIR/openrc" admin admin >/dev/null
    openstack keypair delete "$KEY_NAME" >/dev/null 2>&1 || true
    openstack keypair create --public-key "$KEY_FILE.pub" "$KEY_NAME" >/dev/null
    # Security groups are enforced (doc/network-api.md): admin's default
    # group lets its members in (the pings across the link), SSH from
    # the namespaces needs a rule.
    openstack security group rule create --ingress --protocol tcp \
        --dst-port 22 default >/dev/null 2>&1 || true
    boot "$a" "$LAB_HOST"
    boot "$b" "$NODE"
    wait_active "$a"
    wait_active "$b"
    [ "$(server_field "$a" OS-EXT-SRV-ATTR:host)" = "$LAB_HOST" ] || fail "$a is not on $LAB_HOST"
    [ "$(server_field "$b" OS-EXT-SRV-ATTR:host)" = "$NODE" ] || fail "$b is not on $NODE"
    addr_a=$(address_of "$a")
    addr_b=$(address_of "$b")
    ok "$a ACTIVE on $LAB_HOST at $addr_a; $b ACTIVE on $NODE at $addr_b"
    check_server "$a" "$LAB_HOST" "$addr_a"
    check_server "$b" "$NODE" "$addr_b"
    check_ping "$a" "$LAB_HOST" "$addr_a" "$addr_b"
    check_ping "$b" "$NODE" "$addr_b" "$addr_a"
    echo "guest network link: all checks passed"
}

main "$@"
