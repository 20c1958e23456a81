import { randomUUID } from 'node:crypto';
import { createKnex, createLogger, type Knex, loadConfig } from '@inventory/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActiveRelay } from './relay.js';
import { createRelayLocks } from './relay.lock.js';
import { startStandbyLoop } from './standby.js';

/**
 * Relays claiming shards with real MariaDB locks: each shard is drained by one relay at a time,
 * limits spread the shards, and a relay whose lock connection dies loses its shards to the others.
 */

const logger = createLogger({ name: 'test', level: 'fatal', pretty: false });
const database = loadConfig({
  DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/inventory_test',
}).database;

/**
 * Which relay drains which shard now. Unless a relay is known dead (`dead`), two draining the
 * same shard is an error, and the start that would overlap throws (the test then fails). A dead
 * relay's loop stands for a killed process: whatever it claims again, it cannot start.
 */
function createLedger() {
  const owner = new Map<number, string>();
  const dead = new Set<string>();
  return {
    dead,
    start(relay: string, shard: number): ActiveRelay {
      if (dead.has(relay)) throw new Error(`${relay} is dead`); // a dead relay starts nothing
      const other = owner.get(shard);
      if (other !== undefined && !dead.has(other))
        throw new Error(`shard ${shard} started by ${relay} while ${other} drains it`);
      owner.set(shard, relay);
      return {
        stop: async () => {
          if (owner.get(shard) === relay) owner.delete(shard);
        },
      };
    },
    shardsOf: (relay: string) =>
      [...owner]
        .filter(([, r]) => r === relay)
        .map(([s]) => s)
        .sort((a, b) => a - b),
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stops: (() => Promise<void>)[] = [];
const clients: Knex[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop().catch(() => {})));
  await Promise.all(clients.splice(0).map((k) => k.destroy()));
});

function relay(name: string, lockName: string, ledger: ReturnType<typeof createLedger>, maxShards?: number) {
  const knex = createKnex(database);
  clients.push(knex);
  const stop = startStandbyLoop({
    locks: createRelayLocks(knex, logger),
    logger,
    shardCount: 4,
    lockName: (shard) => `${lockName}:${shard}`,
    maxShards,
    start: async (shard) => ledger.start(name, shard),
    checkSeconds: 0.2,
  });
  stops.push(stop);
  return { knex, stop };
}

describe('relays claiming shards', () => {
  it('when two relays share 4 shards with a limit of 2, each drains 2, never the same one', async () => {
    const ledger = createLedger();
    const lockName = `test-claims-${randomUUID().slice(0, 8)}`;
    relay('A', lockName, ledger, 2);
    await until('A holds 2', () => ledger.shardsOf('A').length === 2);
    relay('B', lockName, ledger, 2);
    await until('B holds 2', () => ledger.shardsOf('B').length === 2);

    expect([...ledger.shardsOf('A'), ...ledger.shardsOf('B')].sort()).toEqual([0, 1, 2, 3]);
  });

  it('when a relay dies (its lock connection is gone), a standby takes its shards', async () => {
    const ledger = createLedger();
    const lockName = `test-claims-${randomUUID().slice(0, 8)}`;
    const a = relay('A', lockName, ledger);
    await until('A holds every shard', () => ledger.shardsOf('A').length === 4);
    relay('B', lockName, ledger);
    await new Promise((r) => setTimeout(r, 500));
    expect(ledger.shardsOf('B')).toEqual([]); // a standby: every lock is held

    // Act: A's lock connection dies, as with a SIGKILL (the server frees every lock it held)
    ledger.dead.add('A');
    const [[holder]] = (await a.knex.raw('SELECT IS_USED_LOCK(?) AS id', [`${lockName}:0`])) as [
      [{ id: number }],
    ];
    await a.knex.raw(`KILL CONNECTION ${Number(holder.id)}`);
    await until('B holds every shard', () => ledger.shardsOf('B').length === 4);
  });

  it('when a relay stops, it releases its locks at once for the others', async () => {
    const ledger = createLedger();
    const lockName = `test-claims-${randomUUID().slice(0, 8)}`;
    const a = relay('A', lockName, ledger, 3);
    await until('A holds 3', () => ledger.shardsOf('A').length === 3);
    relay('B', lockName, ledger);
    await until('B holds the fourth', () => ledger.shardsOf('B').length === 1);

    await a.stop();
    await until('B holds every shard', () => ledger.shardsOf('B').length === 4, 3_000);
  });
});
