import { describe, expect, it } from 'vitest';
import { skusOnTwoShards } from '../stock/stock.sharded.testing.js';
import { createShardLayout } from '../stock/stock.shards.js';
import { coordinatorFields, partFields, placeOrder, type RestorableReservation } from './restore.orders.js';

const layout = createShardLayout({ prefix: 'inv:', count: 16 });

const { a, b } = skusOnTwoShards(layout, 'SKU');

function row(over: Partial<RestorableReservation>): RestorableReservation {
  return {
    order_id: '1001',
    order_id_type: 'number',
    status: 'RESERVED',
    items: JSON.stringify([[a, 2]]),
    expires_at: new Date(1_769_335_200_000),
    outcomes: JSON.stringify({ reserve: JSON.stringify({ correlationId: 'corr-1' }) }),
    ...over,
  };
}

/** Where each shard keeps the order: [shard, record, part items] for every shard that holds anything. */
function placements(r: RestorableReservation) {
  return Array.from({ length: layout.count }, (_, shard) => [shard, placeOrder(layout, r, shard)] as const)
    .filter(([, p]) => p.record !== null || p.partItems !== null)
    .map(([shard, p]) => [shard, p.record, p.partItems?.map((i) => i.skuId) ?? null]);
}

describe('placeOrder', () => {
  it('when the order is single-shard, its record is on its items’ shard only', () => {
    expect(placements(row({}))).toEqual([[layout.shardOfSku(a), 'plain', null]]);
  });

  it('when the order is a tombstone, its record is on the order’s home shard, whatever its items', () => {
    expect(placements(row({ status: 'NONE' }))).toEqual([[layout.homeShardOf('1001'), 'plain', null]]);
  });

  it('when the order spans shards, the home shard has the coordinator and each items’ shard a part', () => {
    const spanning = row({
      items: JSON.stringify([
        [a, 2],
        [b, 1],
      ]),
    });
    const home = layout.homeShardOf('1001');
    const expected = new Map<number, [string | null, string[] | null]>([
      [layout.shardOfSku(a), [null, [a]]],
      [layout.shardOfSku(b), [null, [b]]],
    ]);
    expected.set(home, ['coordinator', expected.get(home)?.[1] ?? null]);

    expect(placements(spanning)).toEqual(
      [...expected].sort(([x], [y]) => x - y).map(([shard, [record, part]]) => [shard, record, part]),
    );
  });

  it('when there is one shard, everything is a plain record on it', () => {
    const one = createShardLayout({ prefix: 'inv:', count: 1 });
    expect(
      placeOrder(
        one,
        row({
          items: JSON.stringify([
            [a, 2],
            [b, 1],
          ]),
        }),
        0,
      ),
    ).toEqual({
      record: 'plain',
      partItems: null,
    });
  });
});

describe('coordinatorFields and partFields', () => {
  it('when a PENDING order is restored, gives it a fresh recovery deadline and no reserve outcome', () => {
    const pending = row({
      status: 'PENDING',
      items: JSON.stringify([
        [a, 2],
        [b, 1],
      ]),
      expires_at: null,
      outcomes: JSON.stringify({ begin: JSON.stringify({ correlationId: 'corr-9' }) }),
    });
    const fields = coordinatorFields(layout, pending, 1_000);

    expect(fields).toMatchObject({
      kind: 'coordinator',
      status: 'PENDING',
      recoverAt: '31000',
      correlationId: 'corr-9',
    });
    expect(fields.reserve).toBeUndefined();
    expect(JSON.parse(fields.parts ?? '')).toEqual(
      [layout.shardOfSku(a), layout.shardOfSku(b)].sort((x, y) => x - y),
    );
  });

  it('when a part is rebuilt, it holds its shard’s items as reserve-part wrote them', () => {
    expect(partFields(row({}), [{ skuId: a, quantity: 2 }])).toEqual({
      kind: 'part',
      status: 'RESERVED',
      items: JSON.stringify([[a, 2]]),
      orderIdType: 'number',
      correlationId: 'corr-1',
    });
  });
});
