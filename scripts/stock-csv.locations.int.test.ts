import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../packages/core/src/config/index.js';
import { createKnex, type Knex } from '../packages/core/src/db/knex.factory.js';
import { createRedis } from '../packages/core/src/redis/redis.factory.js';
import { readSkuLocations } from '../packages/core/src/stock/stock.locations.js';
import { createStockRunner, type StockRunner } from '../packages/core/src/stock/stock.runner.js';
import { deleteByPrefix } from '../packages/core/src/stock/stock.testing.js';
import { testServices, uniquePrefix } from '../test/support/services.js';
import { type CsvApi, startCsvApi, writeCsv } from './csv/csv.testing.js';

/**
 * The CSV tool's location columns (docs/locations.md) against a real API process on its own key
 * prefix: location rows set through PUT …/locations/{locationId}, a re-run changes nothing, bad
 * rows are reported by line, the dry run, and an export with one row per (SKU, location).
 */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const tag = randomUUID().slice(0, 8);
const berlin = `csv-berlin-${tag}`;
const hamburg = `csv-hamburg-${tag}`;
const HEADER = 'skuId,total,locationId,safetyStock,backorderLimit';

let api: CsvApi;
let redis: Redis;
let knex: Knex;
let runner: StockRunner;
let prefix: string;
let dir: string;

beforeAll(async () => {
  prefix = uniquePrefix();
  dir = await mkdtemp(path.join(tmpdir(), 'stock-csv-locations-'));
  redis = createRedis({ url: testServices.redisUrl, connectionName: 'stock-csv-locations-test' });
  await redis.connect();
  runner = createStockRunner({
    redis,
    keyPrefix: prefix,
    reservationTtlSeconds: 900,
    finishedTtlSeconds: 3600,
    idempotencyTtlSeconds: 3600,
  });
  await redis.set(runner.keys.restored, 'test'); // as after the relay's restore
  knex = createKnex(loadConfig({ DATABASE_URL: testServices.databaseUrl }).database);
  api = await startCsvApi(prefix);
  for (const [locationId, priority] of [
    [berlin, 1],
    [hamburg, 2],
  ] as const) {
    const created = await fetch(`${api.url}/api/v1/admin/locations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locationId, name: locationId, priority }),
    });
    expect(created.status, await created.text()).toBe(201);
  }
}, 90_000);

afterAll(async () => {
  await api?.process.kill('SIGTERM');
  // The location list is shared by every test's API: these ids must not outlive the file.
  await knex?.('inventory_location').whereIn('location_id', [berlin, hamburg]).delete();
  await knex?.destroy();
  if (redis) {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

const journalLength = () => redis.xlen(runner.keys.journal);
const figures = async (skuId: string) =>
  Object.fromEntries(
    (await readSkuLocations(redis, runner.layout, skuId)).map((l) => [
      l.locationId,
      `${l.total}/${l.reserved} ss ${l.safetyStock} bo ${l.backorderLimit}`,
    ]),
  );

describe('stock:import and stock:export with a locationId column', () => {
  it('sets each named location (a row without one as before), and running the same file again changes nothing', async () => {
    const file = await writeCsv(dir, 'locations.csv', [
      HEADER,
      `MUG,5,${berlin},1,`,
      `MUG,10,${hamburg},,3`,
      'PLAIN,7,,,',
      `CUP,,${berlin},2,`, // settings only: creates CUP with 0 at berlin
    ]);

    const first = await api.cli('import', file);
    const entries = await journalLength();
    const again = await api.cli('import', file);

    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('applied 1 of 1 row(s) in 1 chunk(s); 0 row(s) in 0 rejected chunk(s)');
    expect(first.stderr).toContain('applied 3 of 3 location row(s); 0 row(s) rejected');
    expect(await figures('MUG')).toEqual({
      default: '0/0 ss 0 bo 0',
      [berlin]: '5/0 ss 1 bo 0',
      [hamburg]: '10/0 ss 0 bo 3',
    });
    expect(await figures('CUP')).toEqual({ default: '0/0 ss 0 bo 0', [berlin]: '0/0 ss 2 bo 0' });
    expect(await runner.get('PLAIN')).toMatchObject({ total: 7, available: 7 });
    expect(entries).toBe(4); // one bulk chunk, one entry per location row
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      'applied 3 of 3 location row(s) (3 already applied by an earlier run: unchanged); 0 row(s) rejected',
    );
    expect(await journalLength()).toBe(entries);
  }, 60_000);

  it('with --dry-run, prints what each location row would change and changes nothing', async () => {
    const file = await writeCsv(dir, 'dry.csv', [
      HEADER,
      `MUG,6,${berlin},,`,
      `MUG,10,${hamburg},,3`,
      `NEW,4,${hamburg},,`,
      'MUG,1,nowhere,,',
    ]);
    const before = await journalLength();

    const run = await api.cli('import', file, '--dry-run');

    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      `MUG @ ${berlin}: total 5 → 6`,
      `NEW @ ${hamburg}: absent → total 4`,
      'line 5: MUG @ nowhere: total 0 → 1 would fail: LOCATION_NOT_FOUND',
    ]);
    expect(run.stderr).toContain(
      'dry run: 4 location row(s): 2 change(s) (1 new SKU(s)), 1 unchanged, 1 would fail; nothing was applied',
    );
    expect(run.stderr).not.toContain('dry run: 0 row(s)');
    expect(run.code).toBe(1);
    expect(await journalLength()).toBe(before);
    expect(await runner.get('NEW')).toBeNull();
  }, 60_000);

  it('when the API refuses a location row, names its line and reason, applies the others and exits 1', async () => {
    const held = await runner.reserve({
      ...who,
      orderId: `csv-${tag}`,
      orderIdType: 'string',
      items: [{ skuId: 'MUG', quantity: 4, locationId: berlin }],
    });
    expect(held).toMatchObject({ ok: true });
    const file = await writeCsv(dir, 'refused.csv', [
      HEADER,
      `MUG,2,${berlin},,`, // 4 reserved there
      `MUG,12,${hamburg},,`,
      'MUG,1,nowhere,,',
    ]);

    const run = await api.cli('import', file);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `line 2: MUG @ ${berlin}: BELOW_RESERVED: Total 2 is below the reserved quantity`,
    );
    expect(run.stderr).toContain(
      'line 4: MUG @ nowhere: LOCATION_NOT_FOUND: Location nowhere is unknown or inactive',
    );
    expect(run.stderr).toContain('applied 1 of 3 location row(s); 2 row(s) rejected');
    expect(await figures('MUG')).toMatchObject({ [berlin]: '5/4 ss 1 bo 0', [hamburg]: '12/0 ss 0 bo 3' });
  }, 60_000);

  it('when location rows are malformed, reports each with its line and applies nothing', async () => {
    const file = await writeCsv(dir, 'bad.csv', [
      HEADER,
      `MUG,3,${berlin},,`,
      `MUG,4,${berlin},,`,
      'MUG,5,,,',
      `CUP,x,${hamburg},,`,
    ]);
    const before = await journalLength();

    const run = await api.cli('import', file);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`line 3: duplicate skuId "MUG" at location "${berlin}" (first on line 2)`);
    expect(run.stderr).toContain('line 4: skuId "MUG" has rows with a locationId (line 2)');
    expect(run.stderr).toContain('line 5: total "x" is not a whole number written with digits');
    expect(run.stderr).toContain('3 malformed row(s); nothing applied');
    expect(await journalLength()).toBe(before);
  }, 60_000);

  it('exports one row per location for the SKUs that have them, and today’s row for the others', async () => {
    const file = path.join(dir, 'export.csv');

    const run = await api.cli('export', file);

    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = parse(await readFile(file)) as string[][];
    expect(header).toEqual([
      'skuId',
      'total',
      'reserved',
      'available',
      'version',
      'locationId',
      'safetyStock',
      'backorderLimit',
    ]);
    const mug = await runner.get('MUG');
    const sorted = rows.sort((a, b) => `${a[0]}/${a[5]}`.localeCompare(`${b[0]}/${b[5]}`));
    expect(sorted).toEqual([
      ['CUP', '0', '0', '-2', '1', berlin, '2', '0'],
      ['CUP', '0', '0', '0', '1', 'default', '0', '0'],
      ['MUG', '5', '4', '0', String(mug?.version), berlin, '1', '0'],
      ['MUG', '12', '0', '12', String(mug?.version), hamburg, '0', '3'],
      ['MUG', '0', '0', '0', String(mug?.version), 'default', '0', '0'],
      ['PLAIN', '7', '0', '7', '1', '', '', ''],
    ]);
    expect(run.stderr).toContain('exported 3 SKU(s), 2 of them per location (6 rows)');
  }, 60_000);
});
