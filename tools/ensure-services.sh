#!/usr/bin/env bash
# Check that RabbitMQ (5672), MariaDB (3306) and PostgreSQL (5432) answer
# on 127.0.0.1 and start the ones that don't, with the machine's own start
# commands (no systemd here). Waits up to 60 s for each port.
set -u

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    port_open "$port" && { echo "$name: up on 127.0.0.1:$port"; return 0; }
    sleep 0.5
  done
  echo "$name: NOT reachable on 127.0.0.1:$port" >&2
  return 1
}

ensure() {
  local name=$1 port=$2; shift 2
  if ! port_open "$port"; then
    echo "$name: down, starting it"
    "$@" >/dev/null 2>&1 || true
  fi
  wait_port "$name" "$port"
}

rc=0
ensure RabbitMQ 5672 rabbitmq-server -detached || rc=1
ensure MariaDB 3306 start-stop-daemon --start --oknodo --background \
  --exec /usr/sbin/mariadbd || rc=1
ensure PostgreSQL 5432 sh -c \
  'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' \
  || rc=1
exit $rc
