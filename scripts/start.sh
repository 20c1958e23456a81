#!/usr/bin/env bash
# The run command (`pnpm start`): infrastructure, migrations, topics, build, then the API, the
# workers and the relay in one terminal. Ctrl-C (or SIGTERM) stops all three gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data

bash scripts/infra.sh up
pnpm --silent migrate
pnpm --silent topics
pnpm --silent build >/dev/null

# A local-only signing secret, made once, so a new user can try the API at once.
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s .data/jwt-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" > .data/jwt-secret
  export JWT_SECRET=$(cat .data/jwt-secret)
  echo "[start] JWT_SECRET not set: using the local secret in .data/jwt-secret"
fi

pids=()
for app in api worker relay; do
  node apps/$app/dist/main.js > >(sed -u "s/^/[$app] /") 2>&1 &
  pids+=($!)
done

stop() {
  trap - INT TERM
  echo "[start] stopping api, worker and relay"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM
# If one app dies, stop the others rather than run half a service.
wait -n "${pids[@]}" || true
stop
