import {
  type ApiErrorBody,
  type components,
  createInventoryClient,
  retryingFetch,
  type StockLevel,
} from '../../packages/client/src/index.js';

/**
 * The few API calls the CSV tool makes, through the client generated from the API's OpenAPI
 * document. Calls are retried on a refused connection, 429 and 503 (the API restarting,
 * rate-limited, or Redis being restored): the bulk adjustment carries an Idempotency-Key, so a
 * retry of a call that did land changes nothing.
 */

export type { ApiErrorBody, StockLevel };
/** A SKU's figures and each location's (docs/locations.md). */
export type StockByLocation = components['schemas']['StockByLocation'];
/** A listed SKU: its sums and, asked for, its stock per location. */
export type ListedSku = StockLevel & { locations?: LocationStock[] };
export type LocationStock = components['schemas']['LocationStock'];
export type Location = components['schemas']['Location'];

/** The body of PUT …/locations/{locationId}: absent fields keep their value. */
export interface LocationSettings {
  total?: number;
  safetyStock?: number;
  backorderLimit?: number;
  reason?: string;
}

/** One item of `details.failedItems` in a 409/404/400 bulk answer. */
export interface FailedItem {
  skuId: string;
  reason: string;
  total: number | null;
  reserved: number | null;
  available: number | null;
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
  /** A page of SKUs, each with its stock per location (the listing's `locations=true`). */
  listPage(
    cursor: string,
    limit: number,
  ): Promise<ApiAnswer<{ items: ListedSku[]; nextCursor: string | null }>>;
  /** Sets one location's figures of a SKU; the Idempotency-Key makes a re-run change nothing. */
  setLocation(
    skuId: string,
    locationId: string,
    body: LocationSettings,
    idempotencyKey: string,
  ): Promise<ApiAnswer<StockByLocation>>;
  /** A SKU's stock per location (404 for an unknown SKU). */
  readLocations(skuId: string): Promise<ApiAnswer<StockByLocation>>;
  /** Every location, active or not. */
  listLocations(): Promise<ApiAnswer<{ items: Location[] }>>;
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Attempts per call (default 5). */
  attempts?: number;
  /** Base wait between attempts in ms (default 500; doubled each time, Retry-After wins). */
  backoffMs?: number;
}

interface Result<T> {
  data?: { data: T };
  error?: { error: ApiErrorBody };
  response: Response;
}

function answer<T>({ data, error, response }: Result<T>): ApiAnswer<T> {
  const { status } = response;
  if (data !== undefined) {
    return {
      ok: true,
      status,
      data: data.data,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }
  return { ok: false, status, error: error?.error ?? { code: `HTTP-${status}`, message: 'no envelope' } };
}

export function createStockApiClient(options: ClientOptions): StockApiClient {
  const api = createInventoryClient({
    baseUrl: options.baseUrl,
    token: options.token,
    fetch: retryingFetch({ attempts: options.attempts, backoffMs: options.backoffMs }),
  });
  return {
    bulkAdjust: async (items, idempotencyKey, reason) =>
      answer(
        await api.POST('/api/v1/admin/inventory/bulk-adjust', {
          params: { header: { 'idempotency-key': idempotencyKey } },
          body: reason === undefined ? { items } : { items, reason },
        }),
      ),
    readMany: async (skuIds) => answer(await api.POST('/api/v1/inventory/bulk', { body: { skuIds } })),
    listPage: async (cursor, limit) =>
      answer(
        await api.GET('/api/v1/admin/inventory', { params: { query: { cursor, limit, locations: 'true' } } }),
      ),
    setLocation: async (skuId, locationId, body, idempotencyKey) =>
      answer(
        await api.PUT('/api/v1/admin/inventory/{skuId}/locations/{locationId}', {
          params: { path: { skuId, locationId }, header: { 'idempotency-key': idempotencyKey } },
          body,
        }),
      ),
    readLocations: async (skuId) =>
      answer(await api.GET('/api/v1/inventory/{skuId}/locations', { params: { path: { skuId } } })),
    listLocations: async () => answer(await api.GET('/api/v1/admin/locations')),
  };
}
