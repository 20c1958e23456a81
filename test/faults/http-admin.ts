import { signToken } from '../../apps/api/src/token.signer.js';

/** One admin adjustment over HTTP and what the API finally answered. */
export interface Adjustment {
  /** The Idempotency-Key; the ledger records it as the movement's causation id. */
  key: string;
  sku: string;
  /** > 0: POST …/add; < 0: POST …/decrease. */
  delta: number;
  /** applied: a 2xx; refused: a 409 (not enough stock), which changes nothing. */
  status: 'applied' | 'refused';
}

export interface AdminClient {
  adjust(key: string, sku: string, delta: number): Promise<Adjustment>;
}

/**
 * The admin API as a careful client uses it: on a 5xx, a 429 or no answer at all it retries with
 * the same Idempotency-Key until it gets a final answer, so a write the server did apply before the
 * connection broke is replayed, never applied twice.
 */
export function createAdminClient(baseUrl: string, secret: string, deadlineMs = 90_000): AdminClient {
  const token = signToken({ secret, sub: 'fault-suite', roles: ['ADMIN'], ttlSeconds: 3600 });
  return {
    async adjust(key, sku, delta) {
      const action = delta > 0 ? 'add' : 'decrease';
      const until = Date.now() + deadlineMs;
      for (;;) {
        let status = 0;
        try {
          const res = await fetch(`${baseUrl}/api/v1/admin/inventory/${encodeURIComponent(sku)}/${action}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': key,
            },
            body: JSON.stringify({ quantity: Math.abs(delta) }),
            signal: AbortSignal.timeout(5_000),
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0; // refused, reset or timed out: the outcome is unknown, so ask again
        }
        if (status >= 200 && status < 300) return { key, sku, delta, status: 'applied' };
        if (status === 409) return { key, sku, delta, status: 'refused' };
        if (status !== 0 && status !== 429 && status < 500)
          throw new Error(`admin ${action} ${key}: HTTP ${status}`);
        if (Date.now() > until)
          throw new Error(`admin ${action} ${key}: no final answer in ${deadlineMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
