import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createShardLayout, shardOf } from './stock.shards.js';

/** The slot Redis Cluster gives a key: CRC16 (XMODEM) of its hash tag, mod 16384. */
function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const tag = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

describe('shardOf', () => {
  it('is CRC-32 of the UTF-8 bytes mod the count (the standard check value)', () => {
    expect(shardOf('123456789', 2 ** 31)).toBe(0xcbf43926 % 2 ** 31);
    expect(shardOf('ünï', 7)).toBe(shardOf('ünï', 7));
  });

  it('with one shard, puts every SKU in shard 0', () => {
    fc.assert(fc.property(fc.string(), (id) => shardOf(id, 1) === 0));
  });

  it('spreads SKUs over 16 shards roughly evenly', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i += 1)
      counts[shardOf(`SKU-${i}`, 16)] = (counts[shardOf(`SKU-${i}`, 16)] ?? 0) + 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});

describe('createShardLayout', () => {
  it('with one shard on a single Redis, builds the unsharded keys of today', () => {
    const layout = createShardLayout({ prefix: 'inv:', count: 1 });
    expect(layout.keys(0).stock('A')).toBe('inv:{A}:stock');
    expect(layout.keys(0).journal).toBe('inv:journal');
    expect(layout.shardOfSku('anything')).toBe(0);
  });

  it('puts every key of a shard in one cluster slot, whatever the SKU or order id', () => {
    const layout = createShardLayout({ prefix: 'inv:', count: 16, cluster: true });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (skuId, orderId) => {
        const shard = layout.shardOfSku(skuId);
        const keys = layout.keys(shard);
        const slot = clusterSlot(keys.journal);
        return [
          keys.stock(skuId),
          keys.reservation(orderId),
          keys.idempotency(orderId),
          keys.deadlines,
          keys.restored,
        ].every((key) => clusterSlot(key) === slot);
      }),
    );
  });

  it('on a cluster, tags the keys even for one shard (a script may only touch one slot)', () => {
    const layout = createShardLayout({ prefix: 'inv:', count: 1, cluster: true });
    expect(layout.keys(0).stock('A')).toBe('inv:{s0}:stock:A');
  });

  it('refuses a shard count out of range', () => {
    for (const count of [0, 1025, 1.5]) {
      expect(() => createShardLayout({ prefix: 'inv:', count })).toThrow(/STOCK_SHARDS/);
    }
  });
});
