import { describe, expect, it } from 'vitest';
import { createWorker } from '../../apps/worker/src/worker.js';
import { createLogger, loadConfig } from '../../packages/core/src/index.js';
import { usePipeline } from '../support/pipeline.hooks.js';
import {
  ofType,
  orderEvent,
  pipelineTargets,
  type TestStack,
  waitForDurableEqualsLive,
} from '../support/pipeline.js';

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };
const logger = createLogger({ name: 'test', level: 'fatal', pretty: false });

const startPipeline = usePipeline();

const OUTCOME_TYPES = [
  'stock.reserved',
  'stock.reservation.failed',
  'stock.confirmed',
  'stock.confirm.failed',
  'stock.released',
];

describe.each(pipelineTargets)('redelivery and replay on $target', ({ env }) => {
  it('when every inbound event arrives twice and the topics are consumed again from offset 0, state and outcome ids do not change', async () => {
    // Arrange
    const { stack } = await startPipeline(env);
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'A', quantity: 5 });
    // One key, so one partition: orders 1 and 2 are reserved before order 3 is tried.
    const placed = [1, 2, 3].map((n) => ({
      key: 'same-customer',
      value: orderEvent(`p-${n}`, 'order.placed', { orderId: n, items: [{ skuId: 'A', quantity: 2 }] }),
    }));
    const confirm = { key: '1', value: orderEvent('c-1', 'order.confirmed', { orderId: 1 }) };
    const cancel = {
      key: '2',
      value: orderEvent('x-2', 'order.cancelled', { orderId: 2, reason: 'USER_REQUEST' }),
    };

    // Act: each event twice
    await stack.send(t.orderPlaced, [...placed, ...placed]);
    await stack.waitFor(
      '3 reserve outcomes',
      (s) => ofType(s, 'stock.reserved').length + ofType(s, 'stock.reservation.failed').length >= 3,
    );
    await stack.send(t.orderConfirmed, [confirm, confirm]);
    await stack.send(t.orderCancelled, [cancel, cancel]);
    await stack.waitFor(
      'confirm and release',
      (s) => ofType(s, 'stock.confirmed').length >= 1 && ofType(s, 'stock.released').length >= 1,
    );
    await waitForDurableEqualsLive(stack, ['A']);
    const before = await stack.runner.get('A');
    const outcomeIds = () =>
      new Set(stack.seen.filter((s) => OUTCOME_TYPES.includes(s.event?.type ?? '')).map((s) => s.event?.id));
    const idsBefore = outcomeIds();

    // Act again: a second worker in a new consumer group reads every topic from offset 0
    const replayConfig = loadConfig({
      ...stack.env,
      KAFKA_GROUP_ID_PREFIX: `${stack.config.kafka.groupIdPrefix}-replay`,
    });
    const replay = createWorker({
      config: replayConfig,
      logger,
      bus: stack.bus,
      redis: stack.redis,
      runner: stack.runner,
    });
    await replay.start();
    await waitForCommittedEnd(stack, `${replayConfig.kafka.groupIdPrefix}.order-placed`, t.orderPlaced);
    await waitForCommittedEnd(stack, `${replayConfig.kafka.groupIdPrefix}.order-cancelled`, t.orderCancelled);
    await replay.stop();
    await new Promise((r) => setTimeout(r, 500)); // give a wrongly journaled outcome time to show up

    // Assert: 3 reserves (2 fit: 4 of 5), 1 confirm, 1 release; one outcome per inbound event
    expect(await stack.runner.get('A')).toEqual(before);
    expect(before).toMatchObject({ total: 3, reserved: 0 }); // 5 - 2 confirmed; order 2 released; order 3 failed
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(2);
    expect(ofType(stack.seen, 'stock.reservation.failed')).toHaveLength(1);
    expect(ofType(stack.seen, 'stock.confirmed')).toHaveLength(1);
    expect(ofType(stack.seen, 'stock.released')).toHaveLength(1);
    expect(outcomeIds()).toEqual(idsBefore);
    expect(idsBefore.size).toBe(5);
  });
});

describe('redelivery and replay', () => {
  it('when a reservation expires and its confirm comes late, the confirm fails and MariaDB equals Redis', async () => {
    const { stack } = await startPipeline({ RESERVATION_TTL_SECONDS: '1' });
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'S1', quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: 'S2', quantity: 10 });
    const placed = (n: number, sku: string) => ({
      key: String(n),
      value: orderEvent(`p-${n}`, 'order.placed', { orderId: n, items: [{ skuId: sku, quantity: 3 }] }),
    });

    // placed → confirmed; placed → cancelled; placed → expired → late confirm
    await stack.send(t.orderPlaced, [placed(11, 'S1'), placed(12, 'S2'), placed(13, 'S1')]);
    await stack.waitFor('3 reservations', (s) => ofType(s, 'stock.reserved').length === 3);
    await stack.send(t.orderConfirmed, [
      { key: '11', value: orderEvent('c-11', 'order.confirmed', { orderId: 11 }) },
    ]);
    await stack.send(t.orderCancelled, [
      { key: '12', value: orderEvent('x-12', 'order.cancelled', { orderId: 12 }) },
    ]);
    await stack.waitFor(
      'expiry of order 13',
      (s) => ofType(s, 'stock.released').some((r) => r.key === '13'),
      10_000,
    );
    await stack.send(t.orderConfirmed, [
      { key: '13', value: orderEvent('c-13', 'order.confirmed', { orderId: 13 }) },
    ]);
    const seen = await stack.waitFor(
      'late confirm failure',
      (s) => ofType(s, 'stock.confirm.failed').length === 1,
    );

    expect(ofType(seen, 'stock.confirm.failed')[0]?.event?.data).toMatchObject({
      orderId: 13,
      reason: 'RESERVATION_EXPIRED',
    });
    expect(ofType(seen, 'stock.released').find((r) => r.key === '13')?.event?.data).toMatchObject({
      reason: 'EXPIRED',
    });
    expect(await stack.runner.get('S1')).toMatchObject({ total: 7, reserved: 0 });
    expect(await stack.runner.get('S2')).toMatchObject({ total: 10, reserved: 0 });
    await waitForDurableEqualsLive(stack, ['S1', 'S2']);
    // The ledger adds up to the snapshot: 10 + sum of deltas.
    const sums = (await stack
      .knex('inventory_ledger')
      .select('sku_id')
      .sum({ dt: 'delta_total', dr: 'delta_reserved' })
      .groupBy('sku_id')) as unknown as { sku_id: string; dt: string; dr: string }[];
    const bySku = Object.fromEntries(sums.map((r) => [r.sku_id, [Number(r.dt), Number(r.dr)]]));
    expect(bySku).toEqual({ S1: [7, 0], S2: [10, 0] });
    const statuses = await stack
      .knex('inventory_reservation')
      .select('order_id', 'status')
      .orderBy('order_id');
    expect(statuses).toEqual([
      { order_id: '11', status: 'CONFIRMED' },
      { order_id: '12', status: 'RELEASED' },
      { order_id: '13', status: 'EXPIRED' },
    ]);
  });

  it('when poison messages sit between valid ones, they land in the DLT with the reason and the valid ones are processed', async () => {
    const { stack } = await startPipeline();
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'P', quantity: 100 });
    const good = (n: number) => ({
      key: String(n),
      value: orderEvent(`g-${n}`, 'order.placed', { orderId: n, items: [{ skuId: 'P', quantity: 1 }] }),
    });
    const poison = [
      { key: 'bad-1', value: 'not json at all' },
      {
        key: 'bad-2',
        value: JSON.stringify({ id: 'v', specversion: '0.3', type: 'order.placed', data: {} }),
      },
      { key: 'bad-3', value: orderEvent('b-3', 'order.placed', { items: [{ skuId: 'P', quantity: 1 }] }) },
      { key: 'bad-4', value: orderEvent('b-4', 'order.placed', { orderId: 4 }) },
      {
        key: 'bad-5',
        value: orderEvent('b-5', 'order.placed', { orderId: 5, items: [{ skuId: 'P', quantity: -2 }] }),
      },
      {
        key: 'bad-6',
        value: orderEvent('b-6', 'order.placed', {
          orderId: 6,
          items: Array.from({ length: 101 }, (_, i) => ({ skuId: `S${i}`, quantity: 1 })),
        }),
      },
      {
        key: 'bad-7',
        value: orderEvent('b-7', 'order.placed', {
          orderId: 7,
          items: [
            { skuId: 'P', quantity: 600_000_000 },
            { skuId: 'P', quantity: 600_000_000 },
          ],
        }),
      },
    ];
    await stack.send(t.orderPlaced, [good(1), ...poison, good(2)]);
    const seen = await stack.waitFor(
      '7 dead letters and 2 reservations',
      (s) =>
        // Dead-lettering is at least once (a redelivered chunk dead-letters again): count by key.
        new Set(s.filter((r) => r.topic === `${t.orderPlaced}.DLT`).map((r) => r.key)).size === 7 &&
        ofType(s, 'stock.reserved').length === 2,
    );

    const dead = seen.filter((r) => r.topic === `${t.orderPlaced}.DLT`);
    const byKey = Object.fromEntries(dead.map((d) => [d.key, d.headers['dlt-reason']]));
    expect(byKey).toEqual({
      'bad-1': 'NOT_JSON',
      'bad-2': 'INVALID_ENVELOPE',
      'bad-3': 'INVALID_DATA',
      'bad-4': 'INVALID_DATA',
      'bad-5': 'INVALID_DATA',
      'bad-6': 'INVALID_DATA',
      'bad-7': 'INVALID_ORDER',
    });
    expect(dead.find((d) => d.key === 'bad-1')?.value).toBe('not json at all'); // original bytes kept
    expect(dead.find((d) => d.key === 'bad-3')?.headers['dlt-detail']).toContain('orderId');
    expect(dead.every((d) => d.headers['dlt-original-topic'] === t.orderPlaced)).toBe(true);
    expect(await stack.runner.get('P')).toMatchObject({ reserved: 2 });
  });
});

async function waitForCommittedEnd(stack: TestStack, groupId: string, topic: string): Promise<void> {
  const admin = stack.bus.kafkajs.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const done = ends.every(
        (e) =>
          e.high === '0' || committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high,
      );
      if (done) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not reach the end of ${topic}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
