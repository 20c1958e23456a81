import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestApp } from './testing/app.testing.js';

/**
 * Random methods, paths (with odd encodings), headers and bodies against every route: the API
 * never answers a 5xx and every answer is an envelope. /metrics, /docs and /openapi.json have
 * non-envelope bodies by design and are left out of the envelope check (not of the 5xx check).
 */

let t: TestApp;
let tokens: Record<string, string>;

beforeAll(async () => {
  t = await build();
  for (const skuId of ['A', 'B']) {
    await t.runner.init({
      causationId: 'c',
      correlationId: 'c',
      actor: 'test',
      skuId,
      initialQuantity: 1_000_000,
    });
  }
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  tokens = {
    admin: `Bearer ${t.token(['ADMIN'])}`,
    service: `Bearer ${t.token(['ROLE_SERVICE'], 'svc\u0000\u00e9'.repeat(40))}`,
    user: `Bearer ${t.token(['USER'])}`,
    none: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x', roles: ['ADMIN'] })}.`,
    garbage: 'Bearer x.y.z',
    basic: 'Basic Zm9vOmJhcg==',
  };
});
afterAll(async () => {
  // The test database is shared: drop the thresholds the random PUTs set on A and B.
  await t.knex('inventory_sku_threshold').whereIn('sku_id', ['A', 'B']).delete();
  await t.close();
});

const templates = [
  '/api/v1/inventory/{id}',
  '/api/v1/inventory/bulk',
  '/api/v1/inventory/{id}/history',
  '/api/v1/admin/inventory/{id}',
  '/api/v1/admin/inventory/{id}/add',
  '/api/v1/admin/inventory/{id}/decrease',
  '/api/v1/admin/inventory/bulk-adjust',
  '/api/v1/admin/inventory',
  '/api/v1/admin/inventory/{id}/low-stock-threshold',
  '/api/v1/reservations',
  '/api/v1/reservations/{id}',
  '/api/v1/reservations/{id}/confirm',
  '/api/v1/reservations/{id}/release',
  '/health/live',
  '/health/ready',
  '/actuator/health',
  '/metrics',
  '/docs',
  '/openapi.json',
  '/swagger-ui.html',
  '/{id}',
  '/api/v1/{id}/{id}',
];

const oddSegments = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2F',
  '..',
  '',
  'A',
  'A%20B',
  '%F0%9F%98%80',
  '%C0%AF',
  'a'.repeat(3000),
];
const segment = fc.oneof(
  fc.constantFrom(...oddSegments),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  // Double-encoded text: `%25` decodes to a literal percent sign.
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(encodeURIComponent(s))),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?limit=0',
    '?limit=201',
    '?limit=abc',
    '?cursor=%%',
    '?limit=1&limit=2',
    '?cursor=MTA',
    '?a[b]=1',
  ),
  fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${s.length}`),
);
const path = fc
  .tuple(fc.constantFrom(...templates), fc.array(segment, { minLength: 3, maxLength: 3 }), query)
  .map(([template, ids, q]) => {
    let i = 0;
    return template.replaceAll('{id}', () => ids[i++] ?? 'x') + q;
  });

const bigNumber = fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String);
const anyId = fc.oneof(
  bigNumber,
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('1.5', '1e400', 'null', 'true', '[]', '{}'),
);
const quantity = fc.oneof(
  bigNumber,
  fc.constantFrom('0', '1', '-1', '1.5', '1e9', '1000000001', '"3"', 'null'),
);
const item = fc.tuple(anyId, quantity).map(([sku, qty]) => `{"skuId": ${sku}, "quantity": ${qty}}`);
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .tuple(anyId, fc.array(item, { maxLength: 4 }))
    .map(([id, items]) => `{"orderId": ${id}, "items": [${items.join(',')}]}`),
  fc
    .tuple(quantity, fc.string())
    .map(([q, r]) => `{"quantity": ${q}, "total": ${q}, "reason": ${JSON.stringify(r)}}`),
  fc.array(anyId, { maxLength: 5 }).map((ids) => `{"skuIds": [${ids.join(',')}]}`),
  fc
    .array(fc.tuple(anyId, fc.constantFrom('total', 'delta'), quantity), { maxLength: 4 })
    .map((items) => `{"items": [${items.map(([id, k, q]) => `{"skuId": ${id}, "${k}": ${q}}`).join(',')}]}`),
  fc.constantFrom('', '{"a": 1, "a": 2}', '{"__proto__": {"skuIds": ["A"]}}', '{'),
);
const headers = fc.record(
  {
    authorization: fc.constantFrom('admin', 'service', 'user', 'none', 'garbage', 'basic'),
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/xml',
      'multipart/form-data',
      ';;',
      'application/json; charset=latin1',
    ),
    'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.uuid()),
    'x-correlation-id': fc.string({ maxLength: 300 }),
    'x-request-id': fc.string({ maxLength: 200 }),
  },
  { requiredKeys: [] },
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

/** Well-aimed requests too: the right method for a route and a nearly valid body, to reach the handlers. */
const smallId = fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), bigNumber);
const aimedBody = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 1, max: 1_000_000 }).map(String), bigNumber),
      fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(2_000_000)),
      fc.constantFrom('"A"', '"B"', '7'),
    )
    .map(([id, qty, sku]) => `{"orderId": ${id}, "items": [{"skuId": ${sku}, "quantity": ${qty}}]}`),
  fc.integer({ min: 0, max: 20 }).map((q) => `{"quantity": ${q}, "reason": "property"}`),
  fc
    .tuple(fc.integer({ min: 0, max: 2000 }), fc.option(fc.integer({ min: 0, max: 5 })))
    .map(([total, v]) =>
      v === null ? `{"total": ${total}}` : `{"total": ${total}, "expectedVersion": ${v}}`,
    ),
  fc.constant('{"skuIds": ["A", "B", 7]}'),
  fc
    .tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 0, max: 2000 }), fc.boolean())
    .map(([d, total, twice]) => {
      const items = [
        `{"skuId": "A", "delta": ${d}}`,
        `{"skuId": ${twice ? '"A"' : '"B"'}, "total": ${total}}`,
      ];
      return `{"items": [${items.join(', ')}], "reason": "property"}`;
    }),
);
const aimed = fc
  .tuple(
    fc.constantFrom(
      ['GET', '/api/v1/inventory/{id}'],
      ['POST', '/api/v1/inventory/bulk'],
      ['GET', '/api/v1/inventory/{id}/history'],
      ['PUT', '/api/v1/admin/inventory/{id}'],
      ['POST', '/api/v1/admin/inventory/{id}/add'],
      ['POST', '/api/v1/admin/inventory/{id}/decrease'],
      ['POST', '/api/v1/admin/inventory/bulk-adjust'],
      ['GET', '/api/v1/admin/inventory'],
      ['POST', '/api/v1/reservations'],
      ['GET', '/api/v1/reservations/{id}'],
      ['POST', '/api/v1/reservations/{id}/confirm'],
      ['POST', '/api/v1/reservations/{id}/release'],
    ),
    fc.oneof(fc.constantFrom('A', 'B'), smallId, segment),
    aimedBody,
    fc.constantFrom('admin', 'admin', 'service', 'user'),
    fc.option(fc.uuid()),
  )
  .map(([[m, template], id, payload, authorization, key]) => ({
    m,
    url: template.replaceAll('{id}', id),
    payload,
    h: {
      authorization,
      'content-type': 'application/json',
      ...(key === null ? {} : { 'idempotency-key': key }),
    } as Record<string, string>,
  }));
const random = fc.tuple(method, path, headers, body).map(([m, url, h, payload]) => ({ m, url, h, payload }));

const nonEnvelope = /^\/(metrics|docs|openapi\.json|swagger-ui\.html)/;

const statuses = new Map<number, number>();

describe('every route, random input', () => {
  it('never answers 5xx and always answers an envelope', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(aimed, random), async ({ m, url, h, payload }) => {
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(h)) {
          const headerValue = name === 'authorization' ? (tokens[value] ?? '') : value;
          // Node refuses header values with control characters before they reach the server.
          if (![...headerValue].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
            sent[name] = headerValue;
          }
        }
        const response = await t.app.inject({
          method: m as 'GET',
          url,
          headers: sent,
          payload: m === 'GET' || m === 'HEAD' ? undefined : payload,
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, `${m} ${url} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
        if (
          m === 'HEAD' ||
          nonEnvelope.test(url) ||
          (response.statusCode >= 300 && response.statusCode < 400)
        )
          return;
        const json = response.json();
        expect(typeof json.success, `${m} ${url}`).toBe('boolean');
        expect(typeof json.timestamp).toBe('string');
        if (json.success) expect(json).toHaveProperty('data');
        else
          expect(json.error).toEqual(
            expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
          );
      }),
      { numRuns: 3000 },
    );
    console.info('property test statuses', Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
    // The inputs reach past auth and validation into the handlers, not only the 404 handler.
    for (const status of [200, 201, 400, 401, 403, 404, 409, 415]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
  });
});
