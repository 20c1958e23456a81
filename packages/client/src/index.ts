import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi.generated.js';

/**
 * A typed client of the inventory HTTP API. The types are generated from the API's own OpenAPI
 * document (`pnpm openapi` writes docs/openapi.json and src/openapi.generated.ts), so a path, a
 * parameter or a body the API does not have is a compile error here.
 *
 *   const api = createInventoryClient({ baseUrl: 'http://localhost:8083', token });
 *   const { data, error } = await api.GET('/api/v1/inventory/{skuId}', { params: { path: { skuId } } });
 */

export type { components, operations, paths } from './openapi.generated.js';
export type InventoryClient = Client<paths>;
export type StockLevel = components['schemas']['StockLevel'];
export type Reservation = components['schemas']['Reservation'];
export type ErrorEnvelope = components['schemas']['ErrorEnvelope'];
export type ApiErrorBody = ErrorEnvelope['error'];

export interface InventoryClientOptions {
  baseUrl: string;
  /** A bearer token (JWT) sent on every request. */
  token?: string;
  /** Replaces the global fetch, e.g. to retry (see retryingFetch). */
  fetch?: (request: Request) => Promise<Response>;
}

export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  if (token !== undefined) {
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

export interface RetryOptions {
  /** Attempts per request (default 5). */
  attempts?: number;
  /** Base wait between attempts in ms (default 500; doubled each time; Retry-After wins). */
  backoffMs?: number;
}

const retryStatuses = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED…) is in its cause. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message;
  return why ? `${(error as Error).message} (${why})` : String((error as Error).message ?? error);
}

/**
 * A fetch that retries a refused connection, 429 and 5xx gateway/unavailable answers (the API
 * restarting, rate-limited, Redis being restored). Safe for writes only when they carry an
 * Idempotency-Key: a retry of a call that did land then changes nothing.
 */
export function retryingFetch(options: RetryOptions = {}): (request: Request) => Promise<Response> {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  return async (request) => {
    for (let attempt = 1; ; attempt += 1) {
      const wait = backoffMs * 2 ** (attempt - 1);
      let response: Response;
      try {
        response = await fetch(request.clone());
      } catch (error) {
        if (attempt >= attempts) throw new Error(`${request.method} ${request.url}: ${describe(error)}`);
        await sleep(wait);
        continue;
      }
      if (!retryStatuses.has(response.status) || attempt >= attempts) return response;
      const after = Number(response.headers.get('retry-after'));
      await response.arrayBuffer();
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : wait);
    }
  };
}
