import type { Logger } from '@inventory/core';
import type { ActiveRelay } from './relay.js';
import type { RelayLocks } from './relay.lock.js';

export interface StandbyOptions {
  locks: RelayLocks;
  logger: Logger;
  /** The shards there are (0…count-1), and each one's lock name. */
  shardCount: number;
  lockName(shard: number): string;
  /** Shards this relay drains at most; default every shard. */
  maxShards?: number;
  /** Starts the active work of one shard, once its lock is held. */
  start(shard: number): Promise<ActiveRelay>;
  /** Told how many shards this relay drains after every change (for the metrics). */
  onActive?: (shards: number) => void;
  /** How long a lone lock attempt waits, and how often the held locks are checked. */
  checkSeconds?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Claims shards: every round, it stops the shards whose lock was lost (the lock connection died)
 * and takes free ones up to `maxShards`. A relay holding nothing waits in GET_LOCK for a lone
 * shard (takeover the moment the holder dies); otherwise it tries each free lock without waiting,
 * once per round. Returns the stop function for shutdown.
 */
export function startStandbyLoop(options: StandbyOptions): () => Promise<void> {
  const { locks, logger } = options;
  const checkSeconds = options.checkSeconds ?? 2;
  const maxShards = Math.min(options.maxShards ?? options.shardCount, options.shardCount);
  const active = new Map<number, ActiveRelay>();
  let running = true;

  async function dropLost(): Promise<void> {
    if (active.size === 0) return;
    const held = await locks.held([...active.keys()].map(options.lockName));
    for (const [shard, relay] of active) {
      if (held.has(options.lockName(shard))) continue;
      logger.error({ shard }, 'relay lock lost: stopping this shard and standing by');
      active.delete(shard);
      await relay.stop().catch((err) => logger.error({ err, shard }, 'stopping a lost shard failed'));
    }
  }

  /** Takes free shards up to the limit; true when it waited in GET_LOCK (no sleep needed). */
  async function claim(): Promise<boolean> {
    const free = Array.from({ length: options.shardCount }, (_, s) => s).filter((s) => !active.has(s));
    const wait = active.size === 0 && free.length === 1 ? checkSeconds : 0;
    for (const shard of free) {
      if (!running || active.size >= maxShards) break;
      if (!(await locks.acquire(options.lockName(shard), wait))) continue;
      try {
        active.set(shard, await options.start(shard));
      } catch (err) {
        logger.error({ err, shard }, 'starting a shard failed; its lock goes back');
        await locks.release(options.lockName(shard));
      }
    }
    return wait > 0;
  }

  const done = (async () => {
    let announced = false;
    while (running) {
      try {
        await dropLost();
        const waited = await claim();
        options.onActive?.(active.size);
        if (active.size === 0 && !announced) {
          logger.info('other relays hold every shard: standing by');
          announced = true;
        }
        // GET_LOCK already waited; the short sleep only yields to the event loop.
        await sleep(waited ? 10 : checkSeconds * 1_000);
      } catch (err) {
        logger.error({ err }, 'relay lock check failed; retrying');
        await sleep(1_000);
      }
    }
  })();

  return async () => {
    running = false;
    await done;
    await Promise.all([...active.values()].map((relay) => relay.stop()));
    active.clear();
    await locks.releaseAll();
  };
}
