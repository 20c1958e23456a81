/**
 * The few API calls the CSV tool makes, over plain fetch. Calls are retried on a refused
 * connection, 429 and 503 (the API restarting, rate-limited, or Redis being restored): the bulk
 * adjustment carries an Idempotency-Key, so a retry of a call that did land changes nothing.
 */

export interface StockLevel {
  skuId: string;
  total: number;
  reserved: number;
  available: number;
  version: number;
  updatedAt: string;
}

export interface FailedItem {
  skuId: string;
  reason: string;
  total: number | null;
  reserved: number | null;
  available: number | null;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { failedItems?: FailedItem[] } & Record<string, unknown>;
  fieldErrors?: { field: string; value: unknown; reason: string }[];
}

export type ApiAnswer<T> =
  | { ok: true; status: number; data: T; replayed: boolean }
  | { ok: false; status: number; error: ApiErrorBody };

export type BulkItem = { skuId: string; total: number } | { skuId: string; delta: number };

export interface StockApiClient {
  bulkAdjust(
    items: BulkItem[],
    idempotencyKey: string,
    reason?: string,
  ): Promise<ApiAnswer<{ items: StockLevel[] }>>;
  readMany(skuIds: string[]): Promise<ApiAnswer<{ items: StockLevel[]; missing: string[] }>>;
  listPage(
    cursor: string,
    limit: number,
  ): Promise<ApiAnswer<{ items: StockLevel[]; nextCursor: string | null }>>;
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Attempts per call (default 5). */
  attempts?: number;
  /** Base wait between attempts in ms (default 500; doubled each time, Retry-After wins). */
  backoffMs?: number;
}

const retryStatuses = new Set([429, 502, 503, 504]);

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED…) is in its cause. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message;
  return why ? `${(error as Error).message} (${why})` : String((error as Error).message ?? error);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createStockApiClient(options: ClientOptions): StockApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${options.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= attempts) throw new Error(`${method} ${base}${path}: ${describe(error)}`);
        await sleep(backoffMs * 2 ** (attempt - 1));
        continue;
      }
      if (retryStatuses.has(response.status) && attempt < attempts) {
        const after = Number(response.headers.get('retry-after'));
        await response.arrayBuffer();
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : backoffMs * 2 ** (attempt - 1));
        continue;
      }
      const json = (await response.json().catch(() => null)) as
        | { success: true; data: T }
        | { success: false; error: ApiErrorBody }
        | null;
      if (json?.success === true) {
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        return { ok: true, status: response.status, data: json.data, replayed } as ApiAnswer<T>;
      }
      const error =
        json?.success === false ? json.error : { code: `HTTP-${response.status}`, message: 'no envelope' };
      return { ok: false, status: response.status, error } as ApiAnswer<T>;
    }
  }

  return {
    bulkAdjust: (items, idempotencyKey, reason) =>
      call(
        'POST',
        '/api/v1/admin/inventory/bulk-adjust',
        reason === undefined ? { items } : { items, reason },
        {
          'idempotency-key': idempotencyKey,
        },
      ),
    readMany: (skuIds) => call('POST', '/api/v1/inventory/bulk', { skuIds }),
    listPage: (cursor, limit) =>
      call('GET', `/api/v1/admin/inventory?cursor=${encodeURIComponent(cursor)}&limit=${limit}`),
  };
}
