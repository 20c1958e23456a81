import { compileErrors, validate } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildStubApp } from '../../testing/stub.testing.js';

/** Every route of docs/contract.md §4 (plus the low-stock threshold routes), as OpenAPI paths. */
const contractRoutes: [method: string, path: string, body: boolean][] = [
  ['get', '/api/v1/inventory/{skuId}', false],
  ['post', '/api/v1/inventory/bulk', true],
  ['get', '/api/v1/inventory/{skuId}/history', false],
  ['put', '/api/v1/admin/inventory/{skuId}', true],
  ['post', '/api/v1/admin/inventory/{skuId}/add', true],
  ['post', '/api/v1/admin/inventory/{skuId}/decrease', true],
  ['post', '/api/v1/admin/inventory/bulk-adjust', true],
  ['get', '/api/v1/admin/inventory', false],
  ['get', '/api/v1/admin/inventory/{skuId}/low-stock-threshold', false],
  ['put', '/api/v1/admin/inventory/{skuId}/low-stock-threshold', true],
  ['delete', '/api/v1/admin/inventory/{skuId}/low-stock-threshold', false],
  ['post', '/api/v1/reservations', true],
  ['get', '/api/v1/reservations/{orderId}', false],
  ['post', '/api/v1/reservations/{orderId}/confirm', false],
  ['post', '/api/v1/reservations/{orderId}/release', true],
  ['get', '/health/live', false],
  ['get', '/health/ready', false],
  ['get', '/actuator/health', false],
  ['get', '/metrics', false],
  ['get', '/openapi.json', false],
];

let app: FastifyInstance;
let document: OpenAPIV3.Document;

beforeEach(async () => {
  app = await buildStubApp();
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  document = response.json();
});
afterEach(async () => {
  await app.close();
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3 document according to @readme/openapi-parser', async () => {
    // Act: validate() dereferences in place, so give it a copy
    const result = await validate(structuredClone(document) as never);
    // Assert
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it.each(contractRoutes)('lists %s %s with its request and response schemas', (method, path, body) => {
    const operation = document.paths[path]?.[method as OpenAPIV3.HttpMethods];
    expect(operation, `${method} ${path}`).toBeDefined();
    if (!operation) return;
    const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
    expect(success).toBeDefined();
    if (path.startsWith('/api/')) {
      const response = operation.responses[success as string] as OpenAPIV3.ResponseObject;
      expect(response.content?.['application/json']?.schema).toBeDefined();
      expect(operation.responses['401'] ?? operation.responses['400']).toBeDefined();
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
    }
    for (const name of path.match(/\{(\w+)\}/g) ?? []) {
      const params = (operation.parameters ?? []) as OpenAPIV3.ParameterObject[];
      expect(params.some((p) => p.in === 'path' && `{${p.name}}` === name)).toBe(true);
    }
    if (body) {
      const requestBody = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      expect(requestBody?.content['application/json']?.schema).toBeDefined();
    }
  });

  it('documents the envelopes and the bearer scheme as components', () => {
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        'ErrorEnvelope',
        'StockLevel',
        'Reservation',
        'LedgerRow',
        'LowStockThreshold',
      ]),
    );
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('documents the orderId as a string or an integer', () => {
    const operation = document.paths['/api/v1/reservations']?.post;
    const requestBody = operation?.requestBody as OpenAPIV3.RequestBodyObject | undefined;
    const body = requestBody?.content['application/json']?.schema;
    const orderId = (body as OpenAPIV3.SchemaObject).properties?.orderId as OpenAPIV3.SchemaObject;
    const types = (orderId.anyOf as OpenAPIV3.SchemaObject[]).map((s) => s.type);
    expect(types).toEqual(expect.arrayContaining(['string', 'integer']));
  });
});
