import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractCheck, openApiContractCheck } from './openapi.check.js';
import { buildStubApp } from './stub.testing.js';

/** The check must be able to fail: answers that break the document, made up here, are refused. */

let app: FastifyInstance;
let check: ContractCheck;
beforeAll(async () => {
  app = await buildStubApp();
  check = await openApiContractCheck(app);
});
afterAll(async () => {
  await app.close();
});

const stock = {
  skuId: 'A',
  total: 1,
  reserved: 0,
  available: 1,
  version: 1,
  updatedAt: '2026-12-01T10:15:30.000Z',
};

function answer(statusCode: number, body: unknown, contentType?: string): LightMyRequestResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = contentType === undefined ? {} : { 'content-type': contentType };
  return {
    statusCode,
    headers,
    body: text,
    json: () => JSON.parse(text),
  } as unknown as LightMyRequestResponse;
}

const json = 'application/json; charset=utf-8';
const read = { method: 'GET' as const, url: '/api/v1/inventory/A' };
const ok = (data: unknown) => ({ success: true, data, timestamp: '2026-12-01T10:15:30.000Z' });

describe('the OpenAPI check of injected requests', () => {
  it('passes an answer the document describes', () => {
    expect(() => check(read, answer(200, ok(stock), json))).not.toThrow();
  });

  it('refuses an answer without a Content-Type', () => {
    expect(() => check(read, answer(200, ok(stock)))).toThrow(/no Content-Type/);
  });

  it('refuses a media type the document does not list', () => {
    expect(() => check(read, answer(200, ok(stock), 'text/html'))).toThrow(/Content-Type text\/html/);
  });

  it('refuses a status the operation does not document', () => {
    expect(() => check(read, answer(418, ok(stock), json))).toThrow(/status 418 is not documented/);
  });

  it('refuses a body that breaks the schema', () => {
    expect(() => check(read, answer(200, ok({ ...stock, total: 'one' }), json))).toThrow(/body\/data\/total/);
  });

  it('refuses a success for a request the document rejects', () => {
    const bad = { method: 'POST' as const, url: '/api/v1/inventory/bulk', payload: { skuIds: [] } };
    expect(() => check(bad, answer(200, ok({ items: [], missing: [] }), json))).toThrow(/accepted a request/);
  });

  it('refuses a validation error for a request the document accepts', () => {
    const good = { method: 'POST' as const, url: '/api/v1/inventory/bulk', payload: { skuIds: ['A'] } };
    const refused = {
      success: false,
      error: { code: 'COMMON-400-004', message: 'no' },
      timestamp: stock.updatedAt,
    };
    expect(() => check(good, answer(400, refused, json))).toThrow(/refused as invalid/);
  });

  it('reads a JSON body with a key given twice as malformed, as the API does', () => {
    const twice = {
      method: 'POST' as const,
      url: '/api/v1/reservations/0/confirm',
      headers: { 'content-type': 'application/json' },
      payload: '{"a": 1, "a": 2}',
    };
    const malformed = {
      success: false,
      error: {
        code: 'COMMON-400-001',
        message: "Malformed JSON: Duplicate key 'a' encountered at position 10",
      },
      timestamp: stock.updatedAt,
    };
    expect(() => check(twice, answer(400, malformed, json))).not.toThrow();
    expect(() => check(twice, answer(200, ok({}), json))).toThrow(/accepted a request the document rejects/);
  });
});
