#!/usr/bin/env bash
# The test command (`pnpm test`): brings up the real infrastructure, prepares the test database,
# runs every Vitest project, and ends with the plain line `N passed, N failed`.
#   pnpm test                          all tests
#   pnpm test -- --project unit        any vitest arguments pass through
set -uo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--" ] && shift

# With a Docker engine and no addresses given, the tests' global setup uses testcontainers instead.
if [ -n "${REDIS_URL:-}${DATABASE_URL:-}${KAFKA_BROKERS:-}" ] || ! docker info >/dev/null 2>&1; then
  bash scripts/infra.sh up || { echo "infrastructure did not come up"; echo "0 passed, 1 failed"; exit 1; }
fi
# The sharded-store tests also need a Redis Cluster: three local masters unless one is given.
if [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
  bash scripts/redis-cluster.sh up || { echo "the Redis Cluster did not come up"; echo "0 passed, 1 failed"; exit 1; }
fi

mkdir -p .data
results=.data/test-results.json
rm -f "$results"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
rc=$?
node scripts/test-summary.mjs "$results" "$rc"
