/**
 * The four reserve workloads the benchmark runs, shared by the runner, redis-benchmark and SQL
 * parts: one hot SKU (or the same five hot SKUs) in every order, or SKUs drawn from 10,000.
 */
export interface Scenario {
  name: string;
  /** SKUs an order draws from. */
  skuIds: string[];
  itemsPerOrder: 1 | 5;
  /** Every order takes the same SKUs (skuIds[0..itemsPerOrder-1]) when true. */
  hot: boolean;
}

export const MANY_SKUS = 10_000;
const manyIds = Array.from({ length: MANY_SKUS }, (_, i) => `S${String(i).padStart(12, '0')}`);
const hotIds = ['H1', 'H2', 'H3', 'H4', 'H5'];

export const scenarios: Scenario[] = [
  { name: 'hot SKU, 1 item', skuIds: hotIds, itemsPerOrder: 1, hot: true },
  { name: 'hot SKUs, 5 items', skuIds: hotIds, itemsPerOrder: 5, hot: true },
  { name: '10k SKUs, 1 item', skuIds: manyIds, itemsPerOrder: 1, hot: false },
  { name: '10k SKUs, 5 items', skuIds: manyIds, itemsPerOrder: 5, hot: false },
];

/** The SKUs of one order: distinct, each quantity 1. */
export function orderSkus(scenario: Scenario, random: () => number = Math.random): string[] {
  if (scenario.hot) return scenario.skuIds.slice(0, scenario.itemsPerOrder);
  const picked = new Set<string>();
  while (picked.size < scenario.itemsPerOrder) {
    picked.add(scenario.skuIds[Math.floor(random() * scenario.skuIds.length)] as string);
  }
  return [...picked];
}
