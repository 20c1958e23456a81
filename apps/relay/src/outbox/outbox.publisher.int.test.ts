import type { BusProducer, Knex, OutgoingMessage } from '@inventory/core';
import { createLogger } from '@inventory/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../../packages/core/src/reconcile/reconcile.testing.js';
import type { OutboxRecord } from '../journal/journal.store.js';
import { createOutboxPublisher, type OutboxPublisher } from './outbox.publisher.js';

/**
 * The publisher's two sources (rows offered by the drainer, unpublished rows read from MariaDB)
 * must together publish every committed row once, in id order. The producer records what it was
 * given: the broker's side is covered by the pipeline tests.
 */

let db: TestDatabase;
let knex: Knex;
let sent: OutgoingMessage[];
let failNext: boolean;
let publisher: OutboxPublisher;

const producer: BusProducer = {
  async send(messages) {
    if (failNext) {
      failNext = false;
      throw new Error('broker away');
    }
    sent.push(...messages);
  },
  async disconnect() {},
};

/** Commits outbox rows as the drainer would and returns them as it hands them over. */
async function commitRows(keys: string[]): Promise<OutboxRecord[]> {
  const rows: OutboxRecord[] = [];
  for (const key of keys) {
    const [id] = await knex('inventory_outbox').insert({
      event_id: `00000000-0000-4000-8000-${key.padStart(12, '0')}`,
      topic: 'stock.reserved',
      message_key: key,
      payload: `{"key":"${key}"}`,
      journal_id: '1-0',
    });
    rows.push({ id: Number(id), topic: 'stock.reserved', message_key: key, payload: `{"key":"${key}"}` });
  }
  return rows;
}

async function publishAll(): Promise<void> {
  while ((await publisher.publishOnce()) > 0);
}

const sentKeys = () => sent.map((m) => m.key);

beforeAll(async () => {
  db = await createTestDatabase();
  knex = db.knex;
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.truncate();
  sent = [];
  failNext = false;
  publisher = createOutboxPublisher({
    knex,
    producer,
    logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
    batchSize: 3,
  });
});

// A publisher's marks run up to 100 ms after its sends: let them land before the next test's
// TRUNCATE restarts the ids, or they would mark that test's rows.
afterEach(async () => {
  await publisher.settle();
});

describe('outbox publisher', () => {
  it('publishes what was committed before it started from MariaDB, then offered rows, each once in id order', async () => {
    await commitRows(['1', '2', '3', '4']); // left by a relay that stopped
    const offeredDuringScan = await commitRows(['5', '6']);
    publisher.offer(offeredDuringScan); // also in MariaDB: the scan sees them and the queue skips them
    await publishAll();
    publisher.offer(await commitRows(['7', '8']));
    await publishAll();
    expect(sentKeys()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('once caught up, sends offered rows without reading MariaDB', async () => {
    await publishAll(); // the first read finds nothing: from now on offered rows are complete
    const offered = await commitRows(['1', '2']);
    // Proof that no read of MariaDB happens now: a row inserted behind the drainer's back (only
    // the drainer writes the outbox) is not picked up.
    await commitRows(['99']); // never offered
    publisher.offer(offered);
    await publishAll();
    expect(sentKeys()).toEqual(['1', '2']);
  });

  it('after a failed send, reads MariaDB again from the last acknowledged row: nothing lost, order kept', async () => {
    await publishAll();
    publisher.offer(await commitRows(['1', '2']));
    await publishAll();
    publisher.offer(await commitRows(['3', '4', '5']));
    failNext = true;
    await expect(publisher.publishOnce()).rejects.toThrow('broker away');
    publisher.offer(await commitRows(['6']));
    await publishAll();
    expect(sentKeys()).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('reads MariaDB after rescan(): a row committed whose store outcome was unknown is not stranded', async () => {
    await publishAll();
    await commitRows(['1']); // committed, but the drainer never learnt it and offered nothing
    publisher.rescan();
    publisher.offer(await commitRows(['2']));
    await publishAll();
    expect(sentKeys()).toEqual(['1', '2']);
  });

  it('marks every sent row published, and only those', async () => {
    await commitRows(['1', '2', '3', '4', '5']);
    await publisher.publishOnce(); // 1, 2, 3
    await publisher.settle();
    const published = await knex('inventory_outbox')
      .whereNotNull('published_at')
      .orderBy('id')
      .pluck('message_key');
    expect(published).toEqual(['1', '2', '3']);
  });
});
