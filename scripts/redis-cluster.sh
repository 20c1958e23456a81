#!/usr/bin/env bash
# A local Redis Cluster of three masters (no replicas), for the sharded tests and benchmarks:
# Debian's redis-server on 127.0.0.1:7001-7003, AOF on, noeviction, data in .data/redis-cluster.
#
#   bash scripts/redis-cluster.sh up | down | status | nodes
#
# `up` is idempotent: running nodes are kept, and the cluster is created only once (`redis-cli
# --cluster create` assigns the 16384 slots). `nodes` prints REDIS_CLUSTER_NODES for the apps.
# Ports: REDIS_CLUSTER_PORTS (default "7001 7002 7003").
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="$(pwd)/.data/redis-cluster"
read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
say() { printf '[redis-cluster] %s\n' "$*"; }

# shellcheck source=lib/wait.sh
source scripts/lib/wait.sh # the working directory is the repository root (cd above)

nodes() { local IFS=,; local list=(); for p in "${PORTS[@]}"; do list+=("127.0.0.1:$p"); done; echo "${list[*]}"; }

start_node() { # start_node <port>
  local port=$1 dir="$DATA/$1"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$dir"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --save "" \
    --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
  wait_for 20 "Redis on port $port" redis-cli -p "$port" ping
}

cluster_ok() { redis-cli -p "${PORTS[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; }

case "${1:-}" in
  up)
    command -v redis-server >/dev/null || { say "redis-server is not installed"; exit 1; }
    for port in "${PORTS[@]}"; do start_node "$port"; done
    if ! cluster_ok; then
      slots=$(redis-cli -p "${PORTS[0]}" cluster info | sed -n 's/^cluster_slots_assigned:\([0-9]*\).*/\1/p')
      if [ "${slots:-0}" = "0" ]; then
        hosts=(); for p in "${PORTS[@]}"; do hosts+=("127.0.0.1:$p"); done
        redis-cli --cluster create "${hosts[@]}" --cluster-replicas 0 --cluster-yes >"$DATA/create.log"
      fi
      wait_for 30 "the cluster to be ok" cluster_ok
    fi
    say "up: $(nodes) ($(redis-cli -p "${PORTS[0]}" cluster nodes | grep -c master) masters)"
    ;;
  down)
    for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown >/dev/null 2>&1 || true; done
    say "stopped (data kept in $DATA; remove it for a new cluster)"
    ;;
  status)
    if cluster_ok; then say "ok: $(nodes)"; else say "down or not ok"; exit 1; fi
    ;;
  nodes) nodes ;;
  *) echo "usage: $0 up|down|status|nodes" >&2; exit 2 ;;
esac
