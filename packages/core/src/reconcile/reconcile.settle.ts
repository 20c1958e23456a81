/**
 * Reconcile compares two stores that keep moving while it reads them. A difference only counts
 * once one observation shows both at the same instant:
 * - Redis is read in one MULTI together with XLEN of the journal: 0 means every change Redis made
 *   before that instant is already committed in MariaDB (the drainer deletes entries only after
 *   their transaction commits);
 * - the MariaDB row is read before and after that MULTI: an unchanged row version means no commit
 *   touched it in between, so it is the row as of the Redis read.
 * Anything else (traffic in flight) is read again a few times, then reported as unverified.
 */

const ATTEMPTS = 4;
const BACKOFF_MS = 50;

export interface Observation<T> {
  settled: boolean;
  value: T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats `observe` until an observation is settled; else the last one (settled: false). */
export async function observeSettled<T>(observe: () => Promise<Observation<T>>): Promise<Observation<T>> {
  let seen = await observe();
  for (let attempt = 1; attempt < ATTEMPTS && !seen.settled; attempt += 1) {
    await sleep(BACKOFF_MS * attempt);
    seen = await observe();
  }
  return seen;
}

/** Unwraps one reply of an ioredis MULTI or pipeline, throwing its error. */
export function replyAt<T>(results: [Error | null, unknown][] | null, index: number): T {
  if (results === null) throw new Error('reconcile: Redis transaction was discarded');
  const [error, value] = results[index] ?? [new Error('reconcile: missing reply'), null];
  if (error) throw error;
  return value as T;
}
