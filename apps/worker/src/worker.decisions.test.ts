import { loadConfig } from '@inventory/core';
import { describe, expect, it } from 'vitest';
import { toDeadLetter } from './dead-letter.js';
import { toHandledOutcome } from './handlers/inbound-event.handler.js';
import { consumerGroupsOf, groupIdFor } from './worker.js';

/** The worker's own decisions, without a broker: its groups, its dead letters, what it refuses. */

describe('consumer groups', () => {
  it('runs one group per consumer role, named <KAFKA_GROUP_ID_PREFIX>.<role>, each with its topics', () => {
    const config = loadConfig({ KAFKA_GROUP_ID_PREFIX: 'inv', WORKER_CONSUMERS: 'order-placed,sku-created' });
    expect(groupIdFor(config, 'order-cancelled')).toBe('inv.order-cancelled');
    expect(consumerGroupsOf(config)).toEqual([
      { groupId: 'inv.order-placed', topics: ['koosco.commerce.order.placed'] },
      {
        groupId: 'inv.sku-created',
        topics: ['koosco.commerce.sku.created', 'koosco.commerce.product.default'],
      },
    ]);
  });
});

describe('toDeadLetter', () => {
  it('keeps the key and bytes as they came, and says why and where from in headers', () => {
    const message = {
      topic: 'koosco.commerce.order.placed',
      partition: 2,
      offset: '41',
      key: Buffer.from('1001'),
      value: Buffer.from('{not json'),
    };
    const record = toDeadLetter(message, 'inv.order-placed', 'NOT_JSON', 'x'.repeat(5_000));
    expect(record).toMatchObject({
      topic: 'koosco.commerce.order.placed.DLT',
      key: message.key,
      value: message.value,
      headers: {
        'dlt-reason': 'NOT_JSON',
        'dlt-original-topic': 'koosco.commerce.order.placed',
        'dlt-original-partition': '2',
        'dlt-original-offset': '41',
        'dlt-consumer-group': 'inv.order-placed',
      },
    });
    expect(record.headers?.['dlt-detail']).toHaveLength(2_000);
    expect(Number.isNaN(Date.parse(String(record.headers?.['dlt-failed-at'])))).toBe(false);
  });
});

describe('toHandledOutcome', () => {
  it('sends what the runner refused as input to the dead-letter topic, with every field error', () => {
    const refused = {
      ok: false as const,
      replayed: false as const,
      reason: 'INVALID_ORDER',
      errors: [
        {
          field: 'items[skuId=A].quantity (merged)',
          value: 2_000_000_000,
          reason: 'must be an integer 1..1000000000',
        },
      ],
      entry: null,
    };
    expect(toHandledOutcome(refused as never)).toEqual({
      status: 'rejected',
      reason: 'INVALID_ORDER',
      detail: 'items[skuId=A].quantity (merged): must be an integer 1..1000000000',
    });
  });

  it('applies every other outcome, a business failure included', () => {
    const short = { ok: false as const, replayed: false, reason: 'INSUFFICIENT_STOCK', entry: null };
    expect(toHandledOutcome(short as never)).toEqual({ status: 'applied', result: short });
  });
});
