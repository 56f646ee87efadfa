#!/bin/bash
# clean.sh: unstack.sh, then remove what stack.sh created.
#
#   ./devstack/clean.sh          # keeps the virtualenv and the tiny image
#   ./devstack/clean.sh --all    # removes VENV_DIR too
#
# After unstack.sh: undefines the lab's libvirt guests, drops the
# databases stack.sh used (lab.env says which), deletes the lab's
# RabbitMQ vhost and user, and deletes STATE_DIR (configs, logs, SQLite
# files, Keystone keys, instance files). TINY_IMAGE_DIR is kept (the
# kernel is a 70 MB download). Safe to run twice.
set -euo pipefail

# shellcheck source=functions
source "$(dirname "${BASH_SOURCE[0]}")/functions"
for lib in database rabbitmq libvirt; do
    # shellcheck disable=SC1090
    source "$DEVSTACK_DIR/lib/$lib"
done

ALL=0

parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --all) ALL=1 ;;
            -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
            *) die "unknown argument $1 (see --help)" ;;
        esac
        shift
    done
}

drop_databases() {
    if [ ! -x "$PY" ]; then
        warn "no $PY: databases ${LAB_DB_NAMES:-} left in place"
        return 0
    fi
    database_drop
}

remove_state() {
    case "$STATE_DIR" in
        "" | / | "$HOME" | "$REPO_DIR") die "refusing to delete STATE_DIR=$STATE_DIR" ;;
    esac
    if [ -d "$STATE_DIR" ]; then
        rm -rf "$STATE_DIR"
        say "removed $STATE_DIR"
    fi
    if [ "$ALL" = 1 ] && [ -d "$VENV_DIR" ]; then
        rm -rf "$VENV_DIR"
        say "removed $VENV_DIR"
    fi
}

main() {
    install_error_trap
    parse_args "$@"
    load_settings
    "$DEVSTACK_DIR/unstack.sh"
    if ! lab_env_load; then
        say "no $LAB_ENV: only the state directory is removed"
    fi
    step "Lab guests" guests_undefine
    step "Databases" drop_databases
    step "RabbitMQ vhost and user" rabbit_drop
    step "State directory" remove_state
    step_summary
}

main "$@"
