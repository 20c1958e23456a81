// The metric names are a contract with dashboards and alerts: docs/observability.md lists them, each
// app's registry must hold exactly those (name, type, labels), and the Grafana dashboard may use
// only them. PromQL is parsed with Prometheus's own grammar (@prometheus-io/lezer-promql).
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { createApiMetrics } from '../apps/api/src/api.metrics.js';
import { createRelayMetrics } from '../apps/relay/src/relay.metrics.js';
import { createWorkerMetrics } from '../apps/worker/src/worker.metrics.js';

type Process = 'api' | 'worker' | 'relay';
/** prom-client's Registry, named through an app (the repository root does not depend on prom-client). */
type Registry = ReturnType<typeof createWorkerMetrics>['registry'];

interface DocumentedMetric {
  name: string;
  type: string;
  labels: string[];
  processes: Process[];
}

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

/** The rows of the table under "## Metrics" in docs/observability.md. */
function documentedMetrics(): DocumentedMetric[] {
  const section = read('docs/observability.md').split('## Metrics')[1]?.split('\n## ')[0] ?? '';
  const list = (cell: string | undefined) =>
    (cell ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [, name, type, labels, processes] = line.split('|').map((c) => c.trim());
      return {
        name: (name ?? '').replaceAll('`', ''),
        type: type ?? '',
        labels: list(labels).sort(),
        processes: list(processes) as Process[],
      };
    });
}

/** Each app's registry as the app builds it; nothing is collected, so no client is needed. */
function registries(): Record<Process, Registry> {
  const relay = createRelayMetrics({
    redis: undefined as never,
    knex: undefined as never,
    journalKeys: () => ['j'],
  });
  return {
    api: createApiMetrics().registry,
    worker: createWorkerMetrics().registry,
    relay: relay.registry,
  };
}

/** name → { type, labels } of the service's own metrics (not prom-client's process defaults). */
function ownMetrics(registry: Registry): Map<string, { type: string; labels: string[] }> {
  const own = registry
    .getMetricsAsArray()
    .filter((m) => m.name.startsWith('inventory_') || m.name.startsWith('http_'));
  return new Map(
    own.map((m) => {
      const labels = (m as unknown as { labelNames: string[] }).labelNames;
      return [m.name, { type: String(m.type), labels: [...labels].sort() }];
    }),
  );
}

describe('documented metrics', () => {
  const documented = documentedMetrics();
  const built = registries();

  it('when the table is read, it lists the metrics the issue asks for', () => {
    expect(documented.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'inventory_stock_outcomes_total',
        'inventory_stock_script_seconds',
        'inventory_consumer_lag',
        'inventory_journal_backlog',
        'inventory_outbox_backlog',
        'inventory_outbox_oldest_age_seconds',
        'inventory_relay_publish_seconds',
        'inventory_restores_total',
        'inventory_reconcile_runs_total',
        'inventory_stock_drift',
      ]),
    );
  });

  it.each(['api', 'worker', 'relay'] as const)(
    'when the %s registry is built, it holds every metric documented for it with its type and labels, and no other',
    (process) => {
      const actual = ownMetrics(built[process]);
      const expected = documented.filter((m) => m.processes.includes(process));
      expect(Object.fromEntries(actual)).toEqual(
        Object.fromEntries(expected.map((m) => [m.name, { type: m.type, labels: m.labels }])),
      );
    },
  );
});

// --- Grafana dashboard ----------------------------------------------------------------------------

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { h?: number; w?: number; x?: number; y?: number };
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; refId?: string }[];
}

const dashboard = JSON.parse(read('deploy/grafana/inventory-dashboard.json')) as {
  title?: string;
  uid?: string;
  schemaVersion?: number;
  __inputs?: { name: string; type: string; pluginId: string }[];
  panels?: Panel[];
};
const panels = dashboard.panels ?? [];
const queryPanels = panels.filter((p) => p.type !== 'row');
// Grafana's range variables are not PromQL durations: any duration stands in for the parser.
const asPromQL = (expr: string) => expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
const suffixes = ['_bucket', '_sum', '_count'];
/** The import-time data source input (spelled without a literal `${` in this source). */
const DS_INPUT = '$' + '{DS_PROMETHEUS}';

/** Metric names and label matchers of one expression; throws where the grammar finds an error. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  const text = asPromQL(expr);
  const found: { metric: string; labels: string[] }[] = [];
  const errors: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: ${text.slice(node.from, node.to + 10)}`);
      if (node.name !== 'VectorSelector') return;
      const at = (n: { from: number; to: number } | null) => (n ? text.slice(n.from, n.to) : '');
      const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
      found.push({
        metric: at(node.node.getChild('Identifier')),
        labels: matchers.map((m) => at(m.getChild('LabelName'))),
      });
    },
  });
  if (errors.length > 0) throw new Error(`${expr} does not parse as PromQL: ${errors.join('; ')}`);
  return found;
}

/** The documented metric a series name belongs to (histograms expose _bucket, _sum, _count). */
function documentedFor(series: string, documented: DocumentedMetric[]): DocumentedMetric | undefined {
  return documented.find(
    (m) =>
      m.name === series ||
      (m.type === 'histogram' && suffixes.some((suffix) => `${m.name}${suffix}` === series)),
  );
}

describe('deploy/grafana/inventory-dashboard.json', () => {
  it('when imported, has what Grafana needs: a title, a Prometheus input and panels with unique ids, gridPos and targets', () => {
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThan(30);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.title, `panel ${p.id}`).toBeTruthy();
      const { h, w, x, y } = p.gridPos ?? {};
      for (const n of [h, w, x, y]) expect(Number.isInteger(n), `gridPos of ${p.title}`).toBe(true);
      expect((x ?? 0) + (w ?? 0), `width of ${p.title}`).toBeLessThanOrEqual(24);
    }
    expect(queryPanels.length).toBeGreaterThanOrEqual(12);
    for (const p of queryPanels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: DS_INPUT });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `refIds of ${p.title}`).toBe(refIds.length);
    }
  });

  it('when its expressions are parsed, each is PromQL over documented metrics and their labels only', () => {
    const documented = documentedMetrics();
    const used = new Set<string>();
    for (const p of queryPanels) {
      for (const target of p.targets ?? []) {
        const expr = target.expr ?? '';
        const found = selectors(expr);
        expect(found.length, `${p.title}: ${expr}`).toBeGreaterThan(0);
        for (const { metric, labels } of found) {
          const known = documentedFor(metric, documented);
          expect(known, `${p.title}: ${metric} is not documented`).toBeDefined();
          const allowed = [...(known?.labels ?? []), 'le', 'job', 'instance'];
          for (const label of labels) expect(allowed, `${p.title}: ${metric}{${label}}`).toContain(label);
          used.add(known?.name ?? '');
        }
      }
    }
    // The panels the issue asks for are there.
    for (const name of [
      'http_request_duration_seconds',
      'inventory_stock_outcomes_total',
      'inventory_stock_script_seconds',
      'inventory_consumer_lag',
      'inventory_journal_backlog',
      'inventory_outbox_backlog',
      'inventory_outbox_oldest_age_seconds',
      'inventory_relay_publish_seconds',
      'inventory_restores_total',
      'inventory_stock_drift',
      'inventory_relay_active',
    ])
      expect(used, name).toContain(name);
  });

  it('when an expression has a syntax error or an unknown metric, the checks catch it', () => {
    expect(() => selectors('sum(rate(inventory_outbox_published_total[5m])')).toThrow('does not parse');
    expect(selectors('max by (topic) (inventory_consumer_lag{topic="x"})')).toEqual([
      { metric: 'inventory_consumer_lag', labels: ['topic'] },
    ]);
    expect(documentedFor('inventory_no_such_metric', documentedMetrics())).toBeUndefined();
    expect(documentedFor('inventory_relay_publish_seconds_bucket', documentedMetrics())?.name).toBe(
      'inventory_relay_publish_seconds',
    );
  });
});
