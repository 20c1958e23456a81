import type { AppConfig, Knex, ServiceDeps, StockRunner } from '@inventory/core';

/**
 * Dependencies that are not there: every runner, Redis and Knex call rejects with `failure()`.
 * Used to build the app without Redis or MariaDB: to export its OpenAPI document, and in unit
 * tests of what happens before (or when) a dependency fails.
 */
export function offlineDeps(
  config: AppConfig,
  failure: () => Error,
): { config: AppConfig; redis: ServiceDeps['redis']; knex: Knex; runner: StockRunner } {
  const fail = (): never => {
    throw failure();
  };
  // A function target, so `knex('table')` fails the same way as `runner.get()`.
  const rejecting: unknown = new Proxy(() => undefined, {
    get: (_target, property) => (property === 'then' ? undefined : async () => fail()),
    apply: () => fail(),
  });
  return {
    config,
    redis: rejecting as ServiceDeps['redis'],
    knex: rejecting as Knex,
    runner: rejecting as StockRunner,
  };
}
