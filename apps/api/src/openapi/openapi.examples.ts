import { ErrorCode } from '../http/api-error.js';

/**
 * The examples the OpenAPI document shows for each answer. Spectral checks every one of them
 * against its schema (`oas3-valid-media-example`), so an example that drifts from the schema fails CI.
 */

const at = '2026-12-01T10:15:30.000Z';
const later = '2026-12-01T10:30:30.000Z';
const sku = 'ELEC-20260125-AB12-Black-M';

const stock = { skuId: sku, total: 100, reserved: 2, available: 98, version: 7, updatedAt: at };
const reservation = {
  orderId: 1001,
  status: 'RESERVED',
  items: [{ skuId: sku, quantity: 2 }],
  expiresAt: later,
  correlationId: 'checkout-7f3a',
};
const threshold = { skuId: sku, threshold: 10, updatedAt: at };
const ledgerRow = {
  id: 4711,
  skuId: sku,
  locationId: 'default',
  action: 'reserve',
  deltaTotal: 0,
  deltaReserved: 2,
  totalAfter: 100,
  reservedAfter: 2,
  availableAfter: 98,
  version: 7,
  reason: null,
  orderId: '1001',
  causationId: 'b3a1c7de-1f0e-4d8e-9a51-0f7f1e2d3c4b',
  correlationId: 'checkout-7f3a',
  actor: 'order-service',
  createdAt: at,
};
const checks = { redis: 'UP', mariadb: 'UP', redisRestore: 'UP' };
const location = {
  locationId: 'berlin',
  name: 'Berlin warehouse',
  priority: 1,
  active: true,
  createdAt: at,
  updatedAt: at,
};
const berlin = {
  locationId: 'berlin',
  total: 60,
  reserved: 2,
  safetyStock: 1,
  backorderLimit: 0,
  available: 57,
};
const hamburg = {
  locationId: 'hamburg',
  total: 40,
  reserved: 0,
  safetyStock: 0,
  backorderLimit: 5,
  available: 40,
};
const byLocation = { ...stock, available: 97, locations: [berlin, hamburg] };

function ok(data: unknown): unknown {
  return { success: true, data, timestamp: at };
}

/** Success examples by operationId and status. */
export const successExamples: Record<string, Record<string, unknown>> = {
  getStock: { 200: ok(stock) },
  getStockBulk: { 200: ok({ items: [stock], missing: ['SKU-UNKNOWN'] }) },
  listStockMovements: { 200: ok({ items: [ledgerRow], nextCursor: 'NDcxMQ' }) },
  setStock: { 200: ok(stock), 201: ok({ ...stock, reserved: 0, available: 100, version: 1 }) },
  addStock: { 200: ok({ ...stock, total: 110, available: 108, version: 8 }) },
  decreaseStock: { 200: ok({ ...stock, total: 95, available: 93, version: 8 }) },
  bulkAdjustStock: { 200: ok({ items: [stock, { ...stock, skuId: 'SKU-2', version: 1 }] }) },
  listStock: { 200: ok({ items: [stock], nextCursor: '1536' }) },
  getLowStockThreshold: { 200: ok(threshold) },
  setLowStockThreshold: { 200: ok(threshold) },
  deleteLowStockThreshold: { 200: ok({ skuId: sku, threshold: null, updatedAt: null }) },
  createReservation: { 201: ok(reservation) },
  getReservation: { 200: ok(reservation) },
  confirmReservation: { 200: ok({ ...reservation, status: 'CONFIRMED', expiresAt: null }) },
  releaseReservation: { 200: ok({ ...reservation, status: 'RELEASED', expiresAt: null }) },
  extendReservation: { 200: ok({ ...reservation, expiresAt: '2026-12-01T11:15:30.000Z' }) },
  listLocations: { 200: ok({ items: [location] }) },
  createLocation: { 201: ok(location) },
  deactivateLocation: { 200: ok({ ...location, active: false }) },
  activateLocation: { 200: ok(location) },
  getStockByLocation: { 200: ok(byLocation) },
  setLocationStock: {
    200: ok({ ...byLocation, version: 8, locations: [berlin] }),
    201: ok({
      ...stock,
      reserved: 0,
      available: 60,
      version: 1,
      locations: [{ ...berlin, reserved: 0, available: 59 }],
    }),
  },
  transferStock: { 200: ok({ ...byLocation, version: 8, locations: [berlin, hamburg] }) },
  getLiveness: { 200: ok({ status: 'UP' }) },
  getReadiness: { 200: ok({ status: 'UP', checks }) },
  getActuatorHealth: { 200: ok({ status: 'UP', checks }) },
  getMetrics: { 200: 'inventory_http_requests_total{method="GET",route="/api/v1/inventory/:skuId"} 42\n' },
  getOpenApiDocument: {
    200: { openapi: '3.0.3', info: { title: 'Inventory service API', version: '1.0.0' } },
  },
  getAsyncApiDocument: {
    200: { asyncapi: '3.0.0', info: { title: 'Inventory service events', version: '1.0.0' } },
  },
};

interface ErrorExample {
  description: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  fieldErrors?: { field: string; value: unknown; reason: string }[];
}

const failedItem = { skuId: sku, reason: 'NOT_ENOUGH_STOCK', total: 100, reserved: 98, available: 2 };

/** What each error status means on a given path (the code differs between stock and reservations). */
export function errorExample(status: string, path: string): ErrorExample {
  const reservations = path.startsWith('/api/v1/reservations');
  switch (status) {
    case '400':
      return {
        description: 'Invalid request; `fieldErrors` names every rejected field',
        code: ErrorCode.VALIDATION,
        message: 'Request validation failed',
        fieldErrors: [{ field: 'items[0].skuId', value: '', reason: 'must be 1..128 characters' }],
      };
    case '401':
      return {
        description: 'No valid bearer token',
        code: ErrorCode.UNAUTHORIZED,
        message: 'Authentication required',
      };
    case '403':
      return {
        description: 'The token lacks the role this operation needs',
        code: ErrorCode.FORBIDDEN,
        message: 'This route needs the role ADMIN',
      };
    case '404':
      return reservations
        ? {
            description: 'The order has no reservation',
            code: ErrorCode.RESERVATION_NOT_FOUND,
            message: 'No reservation for order 1001',
            details: { orderId: 1001 },
          }
        : {
            description: 'The SKU does not exist',
            code: ErrorCode.SKU_NOT_FOUND,
            message: `SKU ${sku} not found`,
            details: { skuId: sku },
          };
    case '409':
      return path.includes('{orderId}')
        ? {
            description: 'The reservation expired, was released, or (release) was already confirmed',
            code: ErrorCode.RESERVATION_STATE,
            message: 'Reservation of order 1001 is EXPIRED',
            details: { orderId: 1001 },
          }
        : {
            description: 'Not enough stock (or a version conflict); nothing was changed',
            code: ErrorCode.NOT_ENOUGH_STOCK,
            message: '1 item(s) do not fit; nothing was changed',
            details: { failedItems: [failedItem] },
          };
    case '413':
      return {
        description: 'The request body is larger than the limit',
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        message: 'Request body is too large',
      };
    case '415':
      return {
        description: 'The body is not application/json',
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: 'Content-Type must be application/json',
      };
    case '422':
      return {
        description: 'The Idempotency-Key was used before with a different request',
        code: ErrorCode.IDEMPOTENCY_KEY_REUSED,
        message: 'This Idempotency-Key was already used for another request',
        details: { firstAction: 'add', firstSkuId: sku },
      };
    case '429':
      return {
        description: 'Rate limit reached; retry later',
        code: ErrorCode.TOO_MANY_REQUESTS,
        message: 'Too many requests: at most 600 per minute',
      };
    case '500':
      return {
        description: 'Unexpected server error',
        code: ErrorCode.INTERNAL,
        message: 'Internal server error',
      };
    case '503':
      return {
        description: 'A dependency is unavailable or Redis is being restored; retry later',
        code: ErrorCode.UNAVAILABLE,
        message: 'A storage dependency is unavailable; retry later',
      };
    default:
      throw new Error(`no error example for status ${status}`);
  }
}
