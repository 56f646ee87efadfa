#!/bin/bash
# Keep one lab service running, the way systemd's Restart=on-failure would.
#
#   supervise.sh NAME RUN_DIR LOG -- COMMAND [ARGS...]
#
# Started by devstack/lib/services in a session of its own (setsid), so
# that its process group holds it and the service. Writes RUN_DIR/NAME.pid
# (its own pid, which is also the group id) and RUN_DIR/NAME.child (the
# service's pid). COMMAND's output is appended to LOG.
#
# * COMMAND exits non-zero or is killed: started again after
#   RESTART_DELAY seconds (default 2), unless it failed RESTART_BURST times
#   (default 5) within RESTART_WINDOW seconds (default 60): then the
#   supervisor gives up and exits 1.
# * COMMAND exits 0: the supervisor exits 0 (nothing to restart).
# * SIGTERM/SIGINT/SIGHUP: forwarded to COMMAND, which is waited for;
#   then the supervisor exits 0. (unstack.sh signals the whole group and
#   uses SIGKILL after a timeout.)
set -uo pipefail

NAME=$1
RUN_DIR=$2
LOG=$3
shift 3
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 NAME RUN_DIR LOG -- COMMAND..." >&2; exit 2; }

RESTART_DELAY=${RESTART_DELAY:-2}
RESTART_BURST=${RESTART_BURST:-5}
RESTART_WINDOW=${RESTART_WINDOW:-60}

stopping=0
child=
failures=()

note() {
    printf '%s supervise[%s]: %s\n' "$(date '+%F %T')" "$NAME" "$*" >>"$LOG"
}

on_signal() {
    stopping=1
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null
    fi
}

# wait for $child; a trapped signal interrupts 'wait', so wait again until
# the child is really gone. Sets rc.
wait_child() {
    while :; do
        wait "$child"
        rc=$?
        kill -0 "$child" 2>/dev/null || return 0
    done
}

# True when fewer than RESTART_BURST failures happened in the window.
may_restart() {
    local now kept=() t
    now=$(date +%s)
    failures+=("$now")
    for t in "${failures[@]}"; do
        [ $((now - t)) -lt "$RESTART_WINDOW" ] && kept+=("$t")
    done
    failures=("${kept[@]}")
    [ "${#failures[@]}" -lt "$RESTART_BURST" ]
}

trap on_signal TERM INT HUP
echo $$ >"$RUN_DIR/$NAME.pid"
while :; do
    "$@" >>"$LOG" 2>&1 </dev/null &
    child=$!
    echo "$child" >"$RUN_DIR/$NAME.child"
    note "started pid $child: $*"
    wait_child
    child=
    if [ "$stopping" = 1 ]; then
        note "stopped (exit $rc)"
        break
    fi
    if [ "$rc" = 0 ]; then
        note "exited 0: not restarting"
        break
    fi
    if ! may_restart; then
        note "exit $rc: failed $RESTART_BURST times in $RESTART_WINDOW s, giving up"
        rm -f "$RUN_DIR/$NAME.child"
        exit 1
    fi
    note "exit $rc: restarting in $RESTART_DELAY s"
    sleep "$RESTART_DELAY" &
    wait $! 2>/dev/null
    [ "$stopping" = 1 ] && break
done
rm -f "$RUN_DIR/$NAME.child"
exit 0
