#!/bin/bash
# nodes-check-moves.sh: servers that move between the nodes of the
# multi-node lab (doc/lab-nodes.md, "Moves between nodes"), with a real
# QEMU guest, from a fresh lab of its own, then torn down.
#
#   sudo VENV_DIR=/path/to/venv devstack/tools/nodes-check-moves.sh
#
# The lab, its settings and teardown are nodes-check.sh's (sourced):
# NODE_MODE=nspawn NODES=2, libvirt in each node, no compute on the
# controller. One server (the tiny guest, m1.tiny) booted on node1 with
# a key pair and user data that creates /etc/nova-lite-tick (the console
# prints "NOVA_LITE_TICK <n>" every second from each boot), and a random
# token written to /root/moves-file over SSH; then:
# 1. live migration (os-migrateLive, 2.30, block_migration auto, to
#    node2) of the running guest: the tick counter keeps increasing
#    across the move (no reboot), the host changes, the live-migration
#    record ends "completed"; disk id and file unchanged (SSH);
# 2. cold migration + confirm (to node1): disk id (NOVA_LITE_DISK_ID on
#    the console of the new boot, and /etc/nova-lite-disk-id) and the
#    file unchanged;
# 3. cold migration + revert: back on node1, disk id and file unchanged;
# 4. evacuate: node1's container halted (labctl.sh stop node1), the
#    server still ACTIVE (a halting compute writes no power state), the
#    compute down and forced down, openstack server evacuate (polled:
#    OSC's --wait never returns, doc/lab-nodes.md): ACTIVE on node2 with
#    the same uuid and address, the disk rebuilt from the image (a new
#    disk id, the file gone: no shared storage).
# Each step prints "PASS <step>" or "FAIL <step>: why"; the first FAIL
# ends the run (after the teardown); the last line is the totals.
set -euo pipefail
# shellcheck source=nodes-check.sh
source "$(dirname "${BASH_SOURCE[0]}")/nodes-check.sh"
VIRT=libvirt
NODES=2
PASSED=()
pass() {
    PASSED+=("$STEP")
    say "PASS $STEP"
}

# ssh_in HOST IP COMMAND...: COMMAND in the guest, from HOST's guest
# namespace (the node's guests are reached only there).
ssh_in() {
    local host=$1 ip=$2
    shift 2
    ip netns exec "${PREFIX}g-$host" ssh -i "$WORK/key" -o BatchMode=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=10 -o LogLevel=ERROR "root@$ip" "$@" </dev/null
}

# guest_state ID: "<disk id> <file>" read in the guest over SSH (up to
# 300 s for SSH to answer after a boot).
guest_state() {
    local id=$1 host ip i
    host=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    ip=$(server_ip "$id")
    for i in $(seq 1 60); do
        ssh_in "$host" "$ip" true 2>/dev/null && break
        [ "$i" = 60 ] && fail "$id: no SSH answer at $ip from ${PREFIX}g-$host" >&2
        sleep 5
    done
    ssh_in "$host" "$ip" 'cat /etc/nova-lite-disk-id; cat /root/moves-file 2>/dev/null || echo no-file' |
        paste -sd' '
}

# last_tick ID: the last NOVA_LITE_TICK on the console (0 when none).
last_tick() {
    os_as admin console log show "$1" 2>/dev/null |
        sed -n 's/.*NOVA_LITE_TICK \([0-9][0-9]*\).*/\1/p' | tail -n1 | grep . || echo 0
}

# console_disk_id ID: the disk id of the last boot on the console.
console_disk_id() {
    os_as admin console log show "$1" 2>/dev/null |
        sed -n 's/.*NOVA_LITE_DISK_ID \([0-9a-f]*\) BOOT.*/\1/p' | tail -n1
}

step_server() {
    local token
    begin "server: the tiny guest ACTIVE on node1, ticking, SSH reads its disk id and file"
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/key"
    os_as admin keypair create --public-key "$WORK/key.pub" "${TAG}-key" >/dev/null
    for rule in "--protocol icmp" "--protocol tcp --dst-port 22"; do
        # shellcheck disable=SC2086
        os_as admin security group rule create --ingress $rule default -f value -c id >/dev/null
    done
    token=$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '#!/bin/sh\ntouch /etc/nova-lite-tick\nsync\n' >"$WORK/user-data"
    say "openstack --os-compute-api-version 2.74 server create --host node1 --key-name ${TAG}-key --user-data (touch /etc/nova-lite-tick) --wait ${TAG}-mover"
    ID=$(os_as admin --os-compute-api-version 2.74 server create --host node1 \
        --flavor m1.tiny --image tiny --network private --key-name "${TAG}-key" \
        --user-data "$WORK/user-data" --wait -f value -c id "${TAG}-mover") ||
        fail "server create failed"
    guest_checks "$ID" node1
    ADDRESS=$(server_ip "$ID")
    guest_state "$ID" >/dev/null
    # The file is written over SSH, not by the user data: an evacuation
    # runs the user data again on its new disk.
    ssh_in node1 "$ADDRESS" "echo $token >/root/moves-file; sync" ||
        fail "could not write /root/moves-file over SSH"
    BEFORE=$(guest_state "$ID")
    say "in the guest: disk id and /root/moves-file: $BEFORE"
    [ "${BEFORE#* }" = "$token" ] || fail "the token is not in /root/moves-file ($BEFORE)"
    [ "$(console_disk_id "$ID")" = "${BEFORE%% *}" ] || fail "console and disk disagree on the disk id"
    pass
}

# same_guest ID: the disk id and file read over SSH are those before.
same_guest() {
    local now
    now=$(guest_state "$1")
    say "in the guest: disk id and file: $now (before: $BEFORE)"
    [ "$now" = "$BEFORE" ] || fail "the guest's disk id or file changed"
}

step_live() {
    local src t1 t2 i status record
    begin "live migration: a running guest keeps counting across the move, host changes, migration completed"
    src=$(server_field "$ID" OS-EXT-SRV-ATTR:host)
    for i in $(seq 1 60); do
        [ "$(last_tick "$ID")" -ge 10 ] && break
        [ "$i" = 60 ] && fail "no NOVA_LITE_TICK 10 on the console after 120 s"
        sleep 2
    done
    t1=$(last_tick "$ID")
    say "on $src: NOVA_LITE_TICK $t1; openstack --os-compute-api-version 2.30 server migrate --live-migration --host node2 $ID"
    os_as admin --os-compute-api-version 2.30 server migrate --live-migration --host node2 "$ID" ||
        fail "server migrate --live-migration failed"
    for i in $(seq 1 300); do
        status=$(server_field "$ID" status)
        [ "$status" = ACTIVE ] && [ "$(server_field "$ID" OS-EXT-SRV-ATTR:host)" = node2 ] && break
        [ "$status" = ERROR ] && fail "$ID went to ERROR: $(server_field "$ID" fault)"
        [ "$status" = ACTIVE ] && [ "$i" -gt 10 ] &&
            [ "$(server_field "$ID" OS-EXT-STS:task_state)" = None ] &&
            fail "$ID is back ACTIVE on $(server_field "$ID" OS-EXT-SRV-ATTR:host): the live migration failed"
        [ "$i" = 300 ] && fail "$ID is $status after 300 s"
        sleep 1
    done
    record=$(os_as admin --os-compute-api-version 2.80 server migration list --server "$ID" \
        --type live-migration -f value -c 'Source Compute' -c 'Dest Compute' -c Status | head -n1)
    say "ACTIVE on node2; migration: $record"
    [ "$(awk '{print $NF}' <<<"$record")" = completed ] || fail "the live-migration record is not completed"
    sleep 3
    t2=$(last_tick "$ID")
    say "on node2: NOVA_LITE_TICK $t2 (was $t1 on $src before the move)"
    [ "$t2" -gt "$t1" ] || fail "the counter did not go on ($t1 -> $t2): the guest rebooted"
    same_guest "$ID"
    pass
}

# cold_move ID confirm|revert: migrate, VERIFY_RESIZE, then confirm or
# revert; the disk id and file are the same.
cold_move() {
    local id=$1 how=$2 src dst boots
    src=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    boots=$(guest_boots "$id")
    say "openstack server migrate $id (on $src)"
    os_as admin server migrate "$id" || fail "server migrate failed"
    wait_status "$id" VERIFY_RESIZE 300
    dst=$(server_field "$id" OS-EXT-SRV-ATTR:host)
    [ "$dst" != "$src" ] || fail "$id is still on $src"
    say "VERIFY_RESIZE on $dst; openstack server resize $how $id"
    os_as admin server resize "$how" "$id" || fail "resize $how failed"
    wait_status "$id" ACTIVE 180
    [ "$how" = confirm ] || dst=$src
    [ "$(server_field "$id" OS-EXT-SRV-ATTR:host)" = "$dst" ] ||
        fail "$id is on $(server_field "$id" OS-EXT-SRV-ATTR:host), not $dst"
    say "ACTIVE on $dst"
    guest_checks "$id" "$dst" "$((boots + 1))"
    [ "$(console_disk_id "$id")" = "${BEFORE%% *}" ] ||
        fail "the console shows disk id $(console_disk_id "$id"), not ${BEFORE%% *}"
    same_guest "$id"
}

step_cold() {
    begin "cold migration + confirm: disk id and file unchanged"
    cold_move "$ID" confirm
    pass
    begin "cold migration + revert: disk id and file unchanged"
    cold_move "$ID" revert
    pass
}

# service_line HOST: HOST's compute in nova-lite-manage service list.
service_line() {
    manage service list | awk -v h="$1" '$2 == "nova-lite-compute" && $3 == h' |
        sed "s/^/    $(date -u +%T) service list: /"
}

step_evacuate() {
    local src dst i now t0
    src=$(server_field "$ID" OS-EXT-SRV-ATTR:host)
    begin "evacuate: $src halted, the server ACTIVE on another node, same uuid and address, rebuilt from the image"
    say "labctl.sh stop $src (the container halts: its compute, libvirtd and guest stop)"
    "$DEVSTACK/labctl.sh" stop "$src" | sed 's/^/    /'
    "$DEVSTACK/labctl.sh" status | grep -E "^ *$src\b" | sed 's/^ */    labctl.sh status: /' || true
    t0=$SECONDS
    until [ "$(compute_state "$src")" = down ]; do
        [ $((SECONDS - t0)) -lt 120 ] || {
            service_line "$src"
            fail "$src's compute still up $((SECONDS - t0)) s after the halt"
        }
        [ $(((SECONDS - t0) % 10)) -lt 2 ] && service_line "$src"
        sleep 1
    done
    say "$src's compute is down after $((SECONDS - t0)) s; the server: $(server_field "$ID" status) $(server_field "$ID" OS-EXT-STS:power_state)"
    [ "$(server_field "$ID" status)" = ACTIVE ] ||
        fail "the halt wrote the server $(server_field "$ID" status) (a stopping compute writes no power state)"
    say "openstack --os-compute-api-version 2.11 compute service set --down $src nova-lite-compute"
    os_as admin --os-compute-api-version 2.11 compute service set --down "$src" nova-lite-compute
    say "openstack --os-compute-api-version 2.29 server evacuate $ID (no --wait: see doc/lab-nodes.md)"
    os_as admin --os-compute-api-version 2.29 server evacuate "$ID" >/dev/null || fail "server evacuate failed"
    for i in $(seq 1 300); do
        dst=$(server_field "$ID" OS-EXT-SRV-ATTR:host)
        [ "$(server_field "$ID" status)" = ACTIVE ] && [ "$dst" != "$src" ] && break
        [ "$(server_field "$ID" status)" = ERROR ] && fail "ERROR: $(server_field "$ID" fault)"
        [ "$i" = 300 ] && fail "not ACTIVE on another node after 300 s"
        sleep 1
    done
    say "$ID ACTIVE on $dst (address $(server_ip "$ID"), was $ADDRESS on $src)"
    [ "$(server_ip "$ID")" = "$ADDRESS" ] || fail "the address changed"
    guest_checks "$ID" "$dst"
    now=$(guest_state "$ID")
    say "in the guest: disk id and file: $now (before: $BEFORE)"
    [ "${now%% *}" != "${BEFORE%% *}" ] || fail "the same disk id: the disk was not rebuilt"
    [ "${now#* }" = no-file ] || fail "the file is still there"
    pass
}

moves_main() {
    [ "$(id -u)" = 0 ] || { echo "nodes-check-moves.sh: needs root" >&2; exit 2; }
    [ -x "$VENV_DIR/bin/nova-lite-compute" ] || { echo "nodes-check-moves.sh: no venv at $VENV_DIR (set VENV_DIR)" >&2; exit 2; }
    write_local_conf
    trap moves_teardown EXIT
    trap 'exit 130' INT TERM
    step_stack
    step_services
    step_server
    step_live
    step_cold
    step_evacuate
}

# The lab's teardown (nodes-check.sh's, in a subshell: it exits), then
# the totals line: steps passed, failed and not run, of the 9 steps
# (stack, services, identity, server, live migration, cold migration
# confirm and revert, evacuate, unstack).
moves_teardown() {
    local rc=$? out failed=0 passed trc
    set +e
    trap - EXIT
    out=$(mktemp /tmp/nodes-check-moves.XXXXXX)
    (exit "$rc")
    (teardown) 2>&1 | tee "$out"
    trc=${PIPESTATUS[0]}
    passed=$((${#PASSED[@]} + $(grep -c '] PASS unstack' "$out")))
    [ "$rc" = 0 ] || failed=1
    grep -q '] FAIL unstack' "$out" && failed=$((failed + 1))
    rm -f "$out"
    say "totals: $passed passed, $failed failed, $((9 - passed - failed)) not run (exit $trc)"
    exit "$trc"
}

moves_main "$@"
