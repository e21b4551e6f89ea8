#!/usr/bin/env bash
# Makes sure the servers the integration tests need are running, and prints their URLs as
# `export NAME=value` lines (eval them). `down` stops only what `up` started.
#   eval "$(bash scripts/services.sh up)"   ...   bash scripts/services.sh down
set -euo pipefail
cd "$(dirname "$0")/.."
state_dir=".tmp/services"
mkdir -p "$state_dir"
log() { echo "services: $*" >&2; }

wait_until() { # wait_until <seconds> <command...>: bounded readiness poll
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

postgres_up() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    wait_until 60 pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not start"; exit 1; }
  fi
  echo "export CHAT_HISTORY_TEST_POSTGRES_URL=${CHAT_HISTORY_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
}

redis_up() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_until 30 redis-cli -h 127.0.0.1 -p 6379 ping || { log "Redis did not start"; exit 1; }
  fi
  echo "export CHAT_HISTORY_TEST_REDIS_URL=${CHAT_HISTORY_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
}

redis_cluster_up() {
  local line
  line=$(bash scripts/redis-cluster.sh start | grep '^CHAT_HISTORY_TEST_REDIS_CLUSTER_URLS=' | tail -n1)
  [ -n "$line" ] || { log "Redis Cluster did not start"; exit 1; }
  echo "export $line"
}

mongo_emulator_deps() {
  if ! /usr/bin/python3 -c "import mockupdb, mongomock" >/dev/null 2>&1; then
    log "installing the MongoDB emulator's Debian packages (python3-mockupdb, python3-mongomock)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-mockupdb python3-mongomock) >&2
  fi
}

case "${1:-}" in
  up)
    postgres_up
    redis_up
    redis_cluster_up
    mongo_emulator_deps
    ;;
  down)
    bash scripts/redis-cluster.sh stop >&2 || true
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
