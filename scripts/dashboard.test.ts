import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Checks of deploy/grafana/inventory-dashboard.json beyond scripts/observability.test.ts (which
 * parses every expression and checks the metric names): the layout Grafana draws, and the panel
 * that shows writes per location (docs/observability.md, "Stock per location").
 */

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; legendFormat?: string }[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../deploy/grafana/inventory-dashboard.json', import.meta.url), 'utf8'),
) as { panels: Panel[] };

const overlaps = (a: Panel['gridPos'], b: Panel['gridPos']) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('deploy/grafana/inventory-dashboard.json layout and location writes', () => {
  it('when laid out, no two panels cover the same cells (Grafana would push one down unasked)', () => {
    const clashes = dashboard.panels.flatMap((a, i) =>
      dashboard.panels
        .slice(i + 1)
        .filter((b) => overlaps(a.gridPos, b.gridPos))
        .map((b) => `${a.title} / ${b.title}`),
    );
    expect(clashes).toEqual([]);
  });

  it('when stock is written per location, the admin writes panel shows set and transfer by action and outcome', () => {
    const panel = dashboard.panels.find((p) => p.title.startsWith('Admin stock writes'));
    const expr = panel?.targets?.[0]?.expr ?? '';
    expect(expr).toMatch(/^sum by \(action, outcome\) \(rate\(inventory_stock_outcomes_total\{action=~"/);
    const actions = /action=~"([^"]+)"/.exec(expr)?.[1]?.split('|');
    expect(actions).toEqual(expect.arrayContaining(['set', 'transfer', 'bulk']));
    expect(panel?.targets?.[0]?.legendFormat).toBe('{{action}} {{outcome}}');
  });
});
