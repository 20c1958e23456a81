import { observeScriptsWith, type ScriptObserver, STOCK_SCRIPT_SECONDS } from '@inventory/core';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics (stable names: dashboards and alerts key on them), on a registry
 * per app instance (tests build many apps in one process): the default process metrics, a request
 * duration histogram by route and status, a counter of stock command outcomes (ok, replay, or the
 * failure reason) and the Lua scripts' latency.
 */

export interface ApiMetrics {
  readonly registry: Registry;
  /** `outcome`: 'ok', 'replay' or a failure reason such as INSUFFICIENT_STOCK. */
  stockOutcome(action: string, outcome: string): void;
  /** Give it to the stock runner (`onScripts`): main.ts builds the metrics before the runner. */
  readonly observeScripts: ScriptObserver;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status_code'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const outcomes = new Counter({
    name: 'inventory_stock_outcomes_total',
    help: 'Stock commands run by the API, by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const scriptSeconds = new Histogram({ ...STOCK_SCRIPT_SECONDS, registers: [registry] });
  return {
    registry,
    stockOutcome: (action, outcome) => outcomes.inc({ action, outcome }),
    observeScripts: observeScriptsWith(scriptSeconds),
    requestSeconds,
  };
}
