#!/usr/bin/env bash
# The run command (`pnpm start`): infrastructure, migrations, topics, build, then the API, the
# workers and the relay in one terminal. Ctrl-C (or SIGTERM) stops all three gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data

bash scripts/infra.sh up
# Pointed at the local Redis Cluster (scripts/redis-cluster.sh, docs/deploy-cluster.md): start it too.
if [ "${REDIS_CLUSTER_NODES:-}" = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003" ]; then
  bash scripts/redis-cluster.sh up
fi
pnpm --silent migrate
pnpm --silent topics
pnpm --silent build >/dev/null

# A local-only signing secret, made once, so a new user can try the API at once.
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s .data/jwt-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" > .data/jwt-secret
  export JWT_SECRET=$(cat .data/jwt-secret)
  echo "[start] JWT_SECRET not set: using the local secret in .data/jwt-secret"
fi

# Ctrl-C signals the terminal's whole process group. The apps run in sessions of their own, so
# they get exactly one signal, the SIGTERM from stop() below (a second signal would make them exit
# at once instead of gracefully), and the line prefixers ignore it, so the apps' last lines
# ("… stopped") still reach the terminal.
pids=()
for app in api worker relay; do
  setsid node apps/$app/dist/main.js > >(trap '' INT TERM; exec sed -u "s/^/[$app] /") 2>&1 &
  pids+=($!)
done

stopping=0
stop() {
  trap - INT TERM
  [ "$stopping" = 1 ] && return 0
  stopping=1
  echo "[start] stopping api, worker and relay"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM
# If one app dies, stop the others rather than run half a service.
wait -n "${pids[@]}" || true
stop
