#!/usr/bin/env bash
# A throwaway three-master Redis Cluster on loopback for the redis-cluster test project.
#
#   bash scripts/redis-cluster.sh start   # prints CHAT_HISTORY_TEST_REDIS_CLUSTER_URLS=redis://127.0.0.1:p1,...
#   bash scripts/redis-cluster.sh stop
#   bash scripts/redis-cluster.sh env     # prints the line again for a running cluster
#
# State lives in $CHAT_HISTORY_REDIS_CLUSTER_DIR (default: $TMPDIR/chat-history-redis-cluster):
# one folder per node (pidfile, log, nodes.conf) and cluster.env holding the URL line.
# Ports: the first free run of three at or after $CHAT_HISTORY_REDIS_CLUSTER_PORT (default 7100),
# with port+10000 (the cluster bus) free as well. No persistence.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-ports.sh"

state_dir=${CHAT_HISTORY_REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/chat-history-redis-cluster}
state_file="$state_dir/cluster.env"
first_port=${CHAT_HISTORY_REDIS_CLUSTER_PORT:-7100}
nodes=3

die() {
  echo "redis-cluster: $*" >&2
  exit 1
}

# Runs "$@" every 0.1 s until it succeeds, at most $1 times.
retry() {
  local tries=$1 i
  shift
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

node_pids() {
  local pidfile
  for pidfile in "$state_dir"/node-*/redis.pid; do
    [[ -f $pidfile ]] && cat "$pidfile"
  done
  return 0
}

running() {
  [[ -f $state_file ]] || return 1
  local pid
  for pid in $(node_pids); do kill -0 "$pid" 2>/dev/null || return 1; done
  [[ -n $(node_pids) ]]
}

cluster_ok() {
  redis-cli -h 127.0.0.1 -p "$1" cluster info | grep -q '^cluster_state:ok'
}

start() {
  command -v redis-server >/dev/null || die "redis-server is not installed"
  if running; then
    cat "$state_file"
    return 0
  fi
  [[ -d $state_dir ]] && stop >/dev/null
  local base
  base=$(find_free_port_run "$first_port" "$nodes" 10000 200) || die "no free port run from $first_port"
  ((base + nodes - 1 <= 55535)) || die "port $base too high for the cluster bus (port+10000)"
  mkdir -p "$state_dir"
  local ports=() addrs=() urls=() p dir
  for ((i = 0; i < nodes; i++)); do
    p=$((base + i))
    dir="$state_dir/node-$p"
    mkdir -p "$dir"
    redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-node-timeout 5000 --dir "$dir" --save "" --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    ports+=("$p")
    addrs+=("127.0.0.1:$p")
    urls+=("redis://127.0.0.1:$p")
  done
  for p in "${ports[@]}"; do
    retry 100 redis-cli -h 127.0.0.1 -p "$p" ping || die "node $p did not answer (log: $state_dir/node-$p/redis.log)"
  done
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$state_dir/create.log" 2>&1 ||
    die "cluster create failed: $(tail -n 5 "$state_dir/create.log")"
  for p in "${ports[@]}"; do
    retry 300 cluster_ok "$p" || die "node $p never reached cluster_state:ok"
  done
  local line
  line="CHAT_HISTORY_TEST_REDIS_CLUSTER_URLS=$(IFS=,; echo "${urls[*]}")"
  echo "$line" >"$state_file"
  echo "$line"
}

stop() {
  local pid pids
  pids=$(node_pids)
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    local i
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$state_dir"
  echo "redis-cluster: stopped"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  env) running && cat "$state_file" || die "not running" ;;
  *) die "usage: $0 start|stop|env" ;;
esac
