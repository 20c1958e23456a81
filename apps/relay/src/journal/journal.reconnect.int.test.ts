import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createLogger, createRedis, loadConfig } from '@inventory/core';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../../packages/core/src/stock/stock.testing.js';
import { useDrainerFixture } from './drainer.testing.js';
import { createJournalDrainer, type JournalDrainer } from './journal.drainer.js';

/**
 * A read Redis served whose answer was lost with the connection (a Redis restart, a master killed
 * right after it wrote the answer): its entries are pending for the relay's consumer, and ioredis
 * resends the read, whose answer holds only later entries. Found by the fault suite (an order's
 * outcome never published after a Redis restart with AOF).
 */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const f = useDrainerFixture('journal-reconnect-test');

/** A TCP proxy to Redis that can swallow the next answer and drop the connection, as a crash does. */
class LossyProxy {
  private server: Server | undefined;
  private dropNext = false;
  readonly sockets = new Set<Socket>();

  async start(target: URL): Promise<number> {
    this.server = createServer((client) => {
      const upstream = tcpConnect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (!this.dropNext) return void client.write(chunk);
        this.dropNext = false; // served by Redis, never seen by the client
        client.destroy();
        upstream.destroy();
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  dropNextAnswer(): void {
    this.dropNext = true;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let proxy: LossyProxy;
let viaProxy: Redis;
let drainer: JournalDrainer;

beforeEach(async () => {
  proxy = new LossyProxy();
  const port = await proxy.start(new URL(testRedisUrl()));
  viaProxy = createRedis({ url: `redis://127.0.0.1:${port}`, connectionName: 'journal-reconnect-test' });
  drainer = createJournalDrainer({
    redis: viaProxy,
    knex: f.knex,
    journalKey: f.t.runner.keys.journal,
    outbound: { source: 'test', topics: loadConfig({}).kafka.topics },
    logger: createLogger({ level: 'silent', pretty: false, name: 'test' }),
    batchSize: 100,
  });
});
afterEach(async () => {
  await drainer.close();
  viaProxy.disconnect();
  await proxy.stop();
});

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether the drainer's connection is blocked (flag b) in XREADGROUP. */
async function drainerBlocked(): Promise<boolean> {
  const list = String(await f.redis.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .some(
      (l) =>
        l.includes('name=journal-reconnect-test') && /flags=\S*b/.test(l) && l.includes('cmd=xreadgroup'),
    );
}

describe('journal drainer, a read whose answer was lost', () => {
  it('stores the entries of the lost answer, before the later ones, instead of leaving them pending', async () => {
    // Arrange: the group exists and nothing is pending; the drainer waits in a blocking read
    await drainer.drainOnce(0);
    const waiting = drainer.drainOnce(4_000);
    await until('the blocking read', drainerBlocked);

    // Act: Redis serves the read with A's entry, and the answer is lost with the connection;
    // ioredis reconnects and resends the read, which B's entry then answers
    proxy.dropNextAnswer();
    await f.t.runner.init({ ...who, skuId: 'A', initialQuantity: 1 });
    await until('the resent read', async () => viaProxy.status === 'ready' && (await drainerBlocked()));
    await f.t.runner.init({ ...who, skuId: 'B', initialQuantity: 2 });
    await waiting;
    for (let i = 0; i < 5 && (await f.t.journalLength()) > 0; i += 1) await drainer.drainOnce(0);

    // Assert: both stored, A's first, nothing left in the journal
    expect(await f.t.journalLength()).toBe(0);
    const ledger = await f.knex('inventory_ledger').orderBy('id').pluck('sku_id');
    expect(ledger).toEqual(['A', 'B']);
    const outbox = await f.knex('inventory_outbox').orderBy('id').pluck('message_key');
    expect(outbox.indexOf('A')).toBeGreaterThanOrEqual(0);
    expect(outbox.indexOf('A')).toBeLessThan(outbox.indexOf('B'));
  });

  it('stores an entry left pending for its consumer once the journal is idle', async () => {
    // Arrange: an entry delivered to the relay's consumer by a read the drainer never saw
    await drainer.drainOnce(0);
    await f.t.runner.init({ ...who, skuId: 'C', initialQuantity: 3 });
    await f.redis.call(
      'XREADGROUP',
      'GROUP',
      'relay',
      'relay',
      'COUNT',
      10,
      'STREAMS',
      f.t.runner.keys.journal,
      '>',
    );

    // Act: an idle blocking read, then the next drain
    expect(await drainer.drainOnce(50)).toEqual({ entries: 0, outboxRows: 0 });
    const next = await drainer.drainOnce(50);

    // Assert
    expect(next.entries).toBe(1);
    expect(await f.knex('inventory_ledger').pluck('sku_id')).toEqual(['C']);
    expect(await f.t.journalLength()).toBe(0);
  });
});
