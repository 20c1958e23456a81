import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument, loadConfig } from '../../packages/core/src/index.js';
import { asyncApiEventCheck } from '../support/asyncapi.check.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const { kafka, events } = loadConfig({});
const document = buildAsyncApiDocument({ topics: kafka.topics, source: events.source });
const check = asyncApiEventCheck(document);

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3.0 document according to @asyncapi/parser', async () => {
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));
    // Severity 0 is an error, 1 a warning.
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('describes every inbound fixture, in the shapes the existing producers send', async () => {
    const topicOf: Record<string, string> = {
      'order.placed': kafka.topics.orderPlaced,
      'order.confirmed': kafka.topics.orderConfirmed,
      'order.cancelled': kafka.topics.orderCancelled,
      'product.sku.created': kafka.topics.productDefault,
    };
    const files = (await readdir(fixtures)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const value = await readFile(path.join(fixtures, file), 'utf8');
      const key = /\.key-(.+)\.json$/.exec(file)?.[1] ?? null;
      const topic = topicOf[JSON.parse(value).type] as string;
      expect(check(topic, key, value), file).toEqual([]);
    }
  });

  it('rejects an outbound event that is not as documented', () => {
    const event = {
      id: '0b0e3c1e-5a3f-4f7e-9a51-0f7f1e2d3c4b',
      source: 'inventory-service',
      specversion: '1.0',
      type: 'stock.reserved',
      datacontenttype: 'application/json',
      subject: 'inventory/1001',
      time: '2026-12-01T10:15:30.000Z',
      data: {
        orderId: 1001,
        items: [{ skuId: 'A', quantity: 2 }],
        correlationId: '1001',
        causationId: 'e-1',
      },
    };
    const value = JSON.stringify(event);
    expect(check(kafka.topics.stockReserved, '1001', value)).toEqual([
      "stock.reserved/data must have required property 'expiresAt'",
    ]);
    expect(check(kafka.topics.stockReleased, '1001', value)).toEqual([
      'koosco.commerce.stock.released: type stock.reserved is not documented on this topic',
    ]);
    const complete = JSON.stringify({ ...event, data: { ...event.data, expiresAt: event.time } });
    expect(check(kafka.topics.stockReserved, '1001', complete)).toEqual([]);
    expect(check(kafka.topics.stockReserved, '1002', complete)).toEqual([
      'stock.reserved: key 1002 is not 1001',
    ]);
  });
});
