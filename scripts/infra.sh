#!/usr/bin/env bash
# Brings up (or down) what the service needs: Redis, MariaDB and a Kafka broker.
#
#   bash scripts/infra.sh up | down | status
#
# Order of preference, per dependency:
#   1. an address given in the environment (REDIS_URL, DATABASE_URL, KAFKA_BROKERS): used as is;
#   2. a Docker engine that answers: docker compose with docker/compose.yml;
#   3. local servers: Redis and MariaDB started if installed but down, Kafka run from Maven jars.
# Idempotent: running `up` twice starts nothing the second time. It never drops a database.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA="$ROOT/.data"
mkdir -p "$DATA"

REDIS_PORT=${INFRA_REDIS_PORT:-6379}
DB_NAME=${INFRA_DB_NAME:-inventory}
say() { printf '[infra] %s\n' "$*"; }

docker_ready() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# shellcheck source=lib/wait.sh
source scripts/lib/wait.sh # the working directory is the repository root (cd above)

redis_up() {
  if [ -n "${REDIS_URL:-}" ]; then
    wait_for 30 "Redis at $REDIS_URL" redis-cli -u "$REDIS_URL" ping
    say "Redis: using REDIS_URL=$REDIS_URL"; return
  fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Redis: already running at 127.0.0.1:$REDIS_PORT"; return
  fi
  command -v redis-server >/dev/null || { say "Redis is not installed and REDIS_URL is not set"; exit 1; }
  mkdir -p "$DATA/redis"
  # The service's guarantees need AOF and noeviction (see README, Failure behaviour).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --save "" --dir "$DATA/redis" --logfile "$DATA/redis/redis.log"
  wait_for 20 "Redis to start" redis-cli -p "$REDIS_PORT" ping
  say "Redis: started at 127.0.0.1:$REDIS_PORT with AOF (data in $DATA/redis)"
}

mariadb_ping() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -uroot ping; }

mariadb_up() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "MariaDB: using DATABASE_URL (the migrate command creates the database)"; return
  fi
  if mariadb_ping >/dev/null 2>&1; then
    say "MariaDB: already running at 127.0.0.1:3306"
  else
    [ -x /usr/sbin/mariadbd ] || { say "MariaDB is not installed and DATABASE_URL is not set"; exit 1; }
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for 60 "MariaDB to start" mariadb_ping
    say "MariaDB: started at 127.0.0.1:3306"
  fi
  # Only ever creates; an existing database (ours or anyone's) is left as it is.
  mariadb --protocol=tcp -h 127.0.0.1 -uroot -e \
    "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  say "MariaDB: database '$DB_NAME' ready"
}

compose() { docker compose -f "$ROOT/docker/compose.yml" "$@"; }

case "${1:-up}" in
  up)
    if [ -z "${REDIS_URL:-}${DATABASE_URL:-}${KAFKA_BROKERS:-}" ] && docker_ready; then
      say "Docker engine found: starting redis, mariadb and kafka with docker compose"
      compose up -d --wait redis mariadb kafka
      exit 0
    fi
    redis_up
    mariadb_up
    bash scripts/kafka.sh up
    ;;
  down)
    if docker_ready && compose ps -q 2>/dev/null | grep -q .; then compose down; fi
    # Redis and MariaDB are machine services shared with other work: only the broker is ours.
    bash scripts/kafka.sh down
    ;;
  status)
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && say "Redis: up" || say "Redis: down"
    mariadb_ping >/dev/null 2>&1 && say "MariaDB: up" || say "MariaDB: down"
    bash scripts/kafka.sh status || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
