/**
 * Calls `work` for every item with at most `concurrency` calls in flight; results come back in the
 * items' order. The per-location API has one call per row or SKU (no bulk form), so a few in
 * flight keep a file's wall time near the API's latency rather than a sum of round trips, while
 * the retrying client still backs off on 429 as one polite caller.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Calls in flight for the per-location calls of the CSV tool. */
export const LOCATION_CONCURRENCY = 8;
