/**
 * JSON Schemas of the CloudEvents on our topics, as the AsyncAPI document publishes them. Inbound
 * schemas are as liberal as the parser (both producer generations, unknown fields, explicit nulls);
 * outbound ones are exact: every field we write, and no other, so a change to what the relay
 * publishes that the document does not describe fails the pipeline tests that check it.
 */

import { z } from 'zod';
import { orderIdInput, orderItemsInput, skuIdInput } from '../stock/stock.input.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };

const orderId: Schema = {
  description: 'The order id in the JSON type it arrived in: a number (every digit exact) or a string',
  oneOf: [{ type: 'integer' }, { type: 'string', minLength: 1 }],
};
/**
 * Inbound orderId, skuId, quantity and items: the JSON Schema the core's input pieces document
 * themselves with (stock.input.ts), the rules the parser applies.
 */
function documented(piece: z.ZodType): Schema {
  const { $schema: _, ...schema } = z.toJSONSchema(piece, { io: 'input', target: 'draft-7' }) as Schema;
  return schema;
}
const orderIdIn = documented(orderIdInput);
const skuIdIn = documented(skuIdInput);
const orderItemsIn = documented(orderItemsInput);
const optionalId: Schema = nullable({ oneOf: [{ type: 'string', maxLength: 255 }, { type: 'integer' }] });

function inboundEnvelope(type: string, data: Schema): Schema {
  return {
    type: 'object',
    description: `Structured-mode CloudEvent 1.0 of type ${type}; unknown attributes are ignored`,
    required: ['id', 'specversion', 'type', 'data'],
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 255 },
      specversion: { const: '1.0' },
      type: { const: type },
      source: nullable(str),
      subject: nullable(str),
      datacontenttype: nullable(str),
      time: nullable({
        description: 'ISO-8601, or epoch seconds with a fraction as the Java producers write it',
        oneOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }],
      }),
      data,
    },
  };
}

function outboundEnvelope(type: string, data: string): Schema {
  return {
    type: 'object',
    description: `Structured-mode CloudEvent 1.0 of type ${type}; re-publishing keeps the same id`,
    additionalProperties: false,
    required: ['id', 'source', 'specversion', 'type', 'datacontenttype', 'subject', 'time', 'data'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      source: { type: 'string', minLength: 1 },
      specversion: { const: '1.0' },
      type: { const: type },
      datacontenttype: { const: 'application/json' },
      subject: { type: 'string', description: 'inventory/{orderId} or inventory/{skuId}' },
      time: { type: 'string', format: 'date-time' },
      data: ref(data),
    },
  };
}

const locationId: Schema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'A stock location (docs/locations.md)',
};
const items: Schema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['skuId', 'quantity'],
    properties: {
      skuId: str,
      quantity: { type: 'integer', minimum: 1 },
      allocations: {
        type: 'array',
        description: 'Which location holds how much; absent when all of it sits at the default location',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['locationId', 'quantity'],
          properties: { locationId, quantity: { type: 'integer', minimum: 1 } },
        },
      },
    },
  },
};
const trace = { correlationId: str, causationId: str };
const orderData = (required: string[], properties: Schema): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: ['orderId', ...required, 'correlationId', 'causationId'],
  properties: { orderId, ...properties, ...trace },
});
const levelData = (extra: Schema, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: ['skuId', 'available', 'correlationId', 'causationId', ...required],
  properties: { skuId: str, locationId, available: int, ...extra, orderId, ...trace },
});

const orderDataIn = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  required: ['orderId', ...required],
  properties: { orderId: orderIdIn, correlationId: optionalId, causationId: optionalId, ...properties },
});

export const eventSchemas: Record<string, Schema> = {
  OrderPlaced: inboundEnvelope('order.placed', orderDataIn({ items: orderItemsIn }, ['items'])),
  OrderConfirmed: inboundEnvelope('order.confirmed', orderDataIn({})),
  OrderCancelled: inboundEnvelope('order.cancelled', orderDataIn({ reason: nullable(str) })),
  SkuCreated: inboundEnvelope('product.sku.created', {
    type: 'object',
    required: ['skuId'],
    properties: {
      skuId: skuIdIn,
      initialQuantity: nullable({ type: 'integer', minimum: 0, maximum: 1_000_000_000 }),
      correlationId: optionalId,
    },
  }),
  StockReserved: outboundEnvelope('stock.reserved', 'StockReservedData'),
  StockReservedData: orderData(['items', 'expiresAt'], {
    items,
    expiresAt: { type: 'string', format: 'date-time' },
  }),
  StockReservationFailed: outboundEnvelope('stock.reservation.failed', 'StockReservationFailedData'),
  StockReservationFailedData: orderData(['reason', 'failedItems', 'occurredAt'], {
    reason: { enum: ['NOT_ENOUGH_STOCK', 'SKU_NOT_FOUND', 'INVALID_ORDER'] },
    failedItems: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['skuId', 'requestedQuantity', 'quantity', 'availableQuantity'],
        properties: {
          skuId: str,
          requestedQuantity: int,
          quantity: { type: 'integer', description: 'Repeats requestedQuantity' },
          availableQuantity: nullable({ type: 'integer', description: 'null for an unknown SKU' }),
          locationId,
        },
      },
    },
    occurredAt: { type: 'integer', description: 'Epoch milliseconds' },
  }),
  StockConfirmed: outboundEnvelope('stock.confirmed', 'StockConfirmedData'),
  StockConfirmedData: orderData(['items'], { items }),
  StockConfirmFailed: outboundEnvelope('stock.confirm.failed', 'StockConfirmFailedData'),
  StockConfirmFailedData: orderData(['reason', 'occurredAt'], {
    reason: { enum: ['RESERVATION_NOT_FOUND', 'RESERVATION_EXPIRED', 'RESERVATION_RELEASED'] },
    occurredAt: { type: 'integer', description: 'Epoch milliseconds' },
  }),
  StockReleased: outboundEnvelope('stock.released', 'StockReleasedData'),
  StockReleasedData: orderData(['items', 'reason'], {
    items,
    reason: { enum: ['CANCELLED', 'EXPIRED', 'MANUAL'] },
  }),
  StockAdjusted: outboundEnvelope('stock.adjusted', 'StockAdjustedData'),
  StockAdjustedData: {
    type: 'object',
    additionalProperties: false,
    required: [
      'skuId',
      'delta',
      'total',
      'reserved',
      'available',
      'reason',
      'version',
      'correlationId',
      'causationId',
    ],
    properties: {
      skuId: str,
      delta: int,
      total: int,
      reserved: int,
      available: int,
      reason: { type: 'string', description: 'The admin reason, or the action (INIT, SET, ADD, …)' },
      version: int,
      ...trace,
    },
  },
  StockLow: outboundEnvelope('stock.low', 'StockLowData'),
  StockLowData: levelData({ threshold: int }, ['threshold']),
  StockDepleted: outboundEnvelope('stock.depleted', 'StockLevelData'),
  StockRestored: outboundEnvelope('stock.restored', 'StockLevelData'),
  StockLevelData: levelData({}),
};
