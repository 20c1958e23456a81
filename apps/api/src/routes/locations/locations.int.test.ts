import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

/** Locations over HTTP (docs/locations.md); every answer is also checked against the OpenAPI document. */

let t: TestApp;
let north: string;
let south: string;

beforeEach(async () => {
  t = await build();
  // The location list lives in the shared test database: ids unique per test.
  const tag = randomUUID().slice(0, 8);
  north = `north-${tag}`;
  south = `south-${tag}`;
});
afterEach(async () => {
  await t.knex('inventory_location').whereIn('location_id', [north, south]).delete();
  await t.close();
});

const admin = () => t.auth('ADMIN');
const service = () => t.auth('SERVICE');

async function createLocations(): Promise<void> {
  for (const [locationId, priority] of [
    [north, 1],
    [south, 2],
  ] as const) {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/locations',
      headers: admin(),
      payload: { locationId, name: locationId, priority },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
}

const putStock = (skuId: string, locationId: string, payload: object) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/admin/inventory/${skuId}/locations/${locationId}`,
    headers: admin(),
    payload,
  });
const reserve = (payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/reservations', headers: service(), payload });

describe('locations over HTTP', () => {
  it('creates a location once (409 the second time) and lists it in sourcing order', async () => {
    await createLocations();
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/locations',
      headers: admin(),
      payload: { locationId: north, name: 'again' },
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/locations', headers: admin() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVENTORY-409-006');
    const ids = (list.json().data.items as { locationId: string }[]).map((l) => l.locationId);
    expect(ids.indexOf('default')).toBeLessThan(ids.indexOf(north));
    expect(ids.indexOf(north)).toBeLessThan(ids.indexOf(south));
  });

  it('sets stock per location, reads it back, and reserves by priority then split, with allocations in the answer', async () => {
    await createLocations();
    expect((await putStock('mug', north, { total: 2, safetyStock: 1 })).statusCode).toBe(201);
    const set = await putStock('mug', south, { total: 5, backorderLimit: 2 });
    const placed = await reserve({ orderId: 'h1', items: [{ skuId: 'mug', quantity: 3 }] });
    const read = await t.app.inject({
      method: 'GET',
      url: '/api/v1/inventory/mug/locations',
      headers: service(),
    });
    expect(set.json().data.locations).toEqual([
      { locationId: south, total: 5, reserved: 0, safetyStock: 0, backorderLimit: 2, available: 5 },
    ]);
    expect(placed.statusCode).toBe(201);
    expect(placed.json().data.items).toEqual([
      {
        skuId: 'mug',
        quantity: 3,
        allocations: [
          { locationId: north, quantity: 1 },
          { locationId: south, quantity: 2 },
        ],
      },
    ]);
    expect(read.json().data).toMatchObject({ skuId: 'mug', total: 7, reserved: 3, available: 3 });
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/inventory?locations=true',
      headers: admin(),
    });
    const mug = (listed.json().data.items as { skuId: string; locations: unknown[] }[]).find(
      (i) => i.skuId === 'mug',
    );
    expect(mug?.locations).toEqual(read.json().data.locations);
    expect(read.json().data.locations).toEqual([
      { locationId: 'default', total: 0, reserved: 0, safetyStock: 0, backorderLimit: 0, available: 0 },
      { locationId: north, total: 2, reserved: 1, safetyStock: 1, backorderLimit: 0, available: 0 },
      { locationId: south, total: 5, reserved: 2, safetyStock: 0, backorderLimit: 2, available: 3 },
    ]);
  });

  it('an order naming a location short of stock fails whole with the location in failedItems; an unknown one is 404', async () => {
    await createLocations();
    await putStock('mug', north, { total: 1 });
    await putStock('mug', south, { total: 9 });
    const short = await reserve({ orderId: 'h2', items: [{ skuId: 'mug', quantity: 2, locationId: north }] });
    const unknown = await reserve({
      orderId: 'h3',
      items: [{ skuId: 'mug', quantity: 1, locationId: 'nowhere' }],
    });
    expect(short.statusCode).toBe(409);
    expect(short.json().error.details.failedItems).toEqual([
      { skuId: 'mug', requestedQuantity: 2, quantity: 2, availableQuantity: 1, locationId: north },
    ]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('INVENTORY-404-004');
    expect(await t.runner.get('mug')).toMatchObject({ reserved: 0 });
  });

  it('allowPartial holds what there is and lists the rest; extend moves the deadline', async () => {
    await createLocations();
    await putStock('mug', north, { total: 2 });
    const partial = await reserve({
      orderId: 'h4',
      items: [{ skuId: 'mug', quantity: 5 }],
      allowPartial: true,
      ttlSeconds: 60,
    });
    const extended = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reservations/h4/extend',
      headers: service(),
      payload: { ttlSeconds: 3600 },
    });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reservations/nope/extend',
      headers: service(),
      payload: { ttlSeconds: 60 },
    });
    expect(partial.statusCode).toBe(201);
    expect(partial.json().data.shortItems).toEqual([{ skuId: 'mug', requested: 5, reserved: 2 }]);
    expect(partial.json().data.items).toEqual([
      { skuId: 'mug', quantity: 2, allocations: [{ locationId: north, quantity: 2 }] },
    ]);
    expect(extended.statusCode).toBe(200);
    const newDeadline = Date.parse(extended.json().data.expiresAt);
    expect(newDeadline - Date.parse(partial.json().data.expiresAt)).toBeGreaterThan(3_000_000);
    expect(missing.statusCode).toBe(404);
  });

  it('deactivation is refused while the location holds stock, succeeds once it is emptied, and can be undone; `default` stays', async () => {
    await createLocations();
    await putStock('mug', north, { total: 3 });
    await reserve({ orderId: 'h5', items: [{ skuId: 'mug', quantity: 1 }] });
    const deactivate = () =>
      t.app.inject({ method: 'POST', url: `/api/v1/admin/locations/${north}/deactivate`, headers: admin() });
    const refused = await deactivate();
    const moved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/mug/transfer',
      headers: admin(),
      payload: { fromLocationId: north, toLocationId: south, quantity: 2 },
    });
    await t.app.inject({ method: 'POST', url: '/api/v1/reservations/h5/confirm', headers: service() });
    const done = await deactivate();
    const add = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/inventory/mug/locations/${north}`,
      headers: admin(),
      payload: { total: 1 },
    });
    const home = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/locations/default/deactivate',
      headers: admin(),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'INVENTORY-409-005',
      details: { skus: [{ skuId: 'mug', total: 3, reserved: 1 }] },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data.locations).toMatchObject([
      { locationId: north, total: 1, reserved: 1 },
      { locationId: south, total: 2, reserved: 0 },
    ]);
    expect(done.statusCode).toBe(200);
    expect(done.json().data.active).toBe(false);
    expect(add.statusCode).toBe(404);
    expect(add.json().error.code).toBe('INVENTORY-404-004');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/locations/${north}/activate`,
      headers: admin(),
    });
    const addAgain = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/inventory/mug/locations/${north}`,
      headers: admin(),
      payload: { total: 1 },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().data.active).toBe(true);
    expect(addAgain.statusCode).toBe(200);
    expect(home.statusCode).toBe(409);
    expect(home.json().error.details.reason).toBe('DEFAULT_LOCATION');
  });
});
