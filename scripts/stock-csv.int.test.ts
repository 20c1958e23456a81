import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../packages/core/src/redis/redis.factory.js';
import { createStockKeys } from '../packages/core/src/stock/stock.keys.js';
import { createStockRunner, type StockRunner } from '../packages/core/src/stock/stock.runner.js';
import { deleteByPrefix } from '../packages/core/src/stock/stock.testing.js';
import { testServices, uniquePrefix } from '../test/support/services.js';
import { type CsvApi, startCsvApi, writeCsv } from './csv/csv.testing.js';

/**
 * The CSV tool against a real API process (its own key prefix on the shared Redis): a 100,000-row
 * import under a minute, an idempotent re-run, malformed rows refused with line numbers, a dry
 * run that changes nothing, a rejected chunk, and the export.
 */

const ROWS = 100_000;

let csv: CsvApi;
let redis: Redis;
let runner: StockRunner;
let prefix: string;
let dir: string;

beforeAll(async () => {
  prefix = uniquePrefix();
  dir = await mkdtemp(path.join(tmpdir(), 'stock-csv-'));
  redis = createRedis({ url: testServices.redisUrl, connectionName: 'stock-csv-test' });
  await redis.connect();
  await redis.set(createStockKeys(prefix).restored, 'test'); // as after the relay's restore
  runner = createStockRunner({
    redis,
    keyPrefix: prefix,
    reservationTtlSeconds: 900,
    finishedTtlSeconds: 3600,
    idempotencyTtlSeconds: 3600,
  });
  csv = await startCsvApi(prefix);
}, 90_000);

afterAll(async () => {
  await csv?.process.kill('SIGTERM');
  if (redis) {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

const csvFile = (name: string, lines: string[]) => writeCsv(dir, name, lines);
const cli = (...args: string[]) => csv.cli(...args);
const journalLength = () => redis.xlen(createStockKeys(prefix).journal);
const ids = Array.from({ length: ROWS }, (_, i) => `CSV-${String(i).padStart(6, '0')}`);

describe('stock:import and stock:export', () => {
  it('imports 100,000 rows in under a minute, and running the same file again changes nothing', async () => {
    // Arrange
    const file = await csvFile('big.csv', ['skuId,total', ...ids.map((id, i) => `${id},${i % 1000}`)]);
    // Act
    const first = await cli('import', file);
    const entries = await journalLength();
    const again = await cli('import', file);
    // Assert
    console.info(`stock:import of ${ROWS} rows: ${first.ms} ms (re-run ${again.ms} ms)`);
    expect(first.code, first.stderr).toBe(0);
    expect(first.ms).toBeLessThan(60_000);
    expect(first.stderr).toContain(`applied ${ROWS} of ${ROWS} row(s) in 100 chunk(s)`);
    expect(entries).toBe(100); // one journal entry per chunk of 1000
    const states = await runner.getMany(ids);
    expect(states.every((s, i) => s?.total === i % 1000 && s.version === 1)).toBe(true);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`(${ROWS} already applied by an earlier run: unchanged)`);
    expect(await journalLength()).toBe(entries);
    expect((await runner.getMany(ids)).every((s) => s?.version === 1)).toBe(true);
  }, 180_000);

  it('when rows are malformed, reports each with its line number and applies nothing', async () => {
    const file = await csvFile('bad.csv', [
      'skuId,delta',
      'CSV-000001,5',
      'CSV-000002,1.5',
      'CSV-000001,1',
      'x,1,2',
    ]);
    const before = await journalLength();
    const run = await cli('import', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 3: delta "1.5" is not a whole number written with digits');
    expect(run.stderr).toContain('line 4: duplicate skuId "CSV-000001" (first on line 2)');
    expect(run.stderr).toContain('line 5: expected 2 columns (skuId,delta), got 3');
    expect(run.stderr).toContain('3 malformed row(s); nothing applied');
    expect(await journalLength()).toBe(before);
    expect(await runner.get('CSV-000001')).toMatchObject({ total: 1, version: 1 });
  }, 60_000);

  it('with --allow-partial, applies the valid rows and still exits 1', async () => {
    const file = await csvFile('partial.csv', ['skuId,delta', 'CSV-000010,5', 'CSV-000011,0']);
    const run = await cli('import', file, '--allow-partial');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 3: delta must be a non-zero integer');
    expect(await runner.getMany(['CSV-000010', 'CSV-000011'])).toMatchObject([{ total: 15 }, { total: 11 }]);
  }, 60_000);

  it('with --dry-run, prints each change as before → after and changes nothing', async () => {
    const file = await csvFile('dry.csv', [
      'skuId,delta',
      'CSV-000020,5',
      'NEW-1,3',
      'CSV-000021,-100',
      'GONE,-1',
    ]);
    const before = await journalLength();
    const run = await cli('import', file, '--dry-run');
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'CSV-000020: 20 → 25',
      'NEW-1: absent → 3',
      'line 4: CSV-000021: 21 → -79 would fail: NOT_ENOUGH_STOCK (available 21)',
      'line 5: GONE: absent → -1 would fail: SKU_NOT_FOUND',
    ]);
    expect(run.stderr).toContain(
      '2 change(s) (1 new SKU(s)), 0 unchanged, 2 would fail; nothing was applied',
    );
    expect(run.code).toBe(1);
    expect(await journalLength()).toBe(before);
    expect(await runner.get('NEW-1')).toBeNull();
  }, 60_000);

  it('when a chunk does not fit, rejects that chunk whole, names the lines, and applies the others', async () => {
    // 1500 rows (lines 2..1501): chunk 1 is lines 2..1001, chunk 2 lines 1002..1501.
    const rows = ids.slice(1000, 2500).map((id) => `${id},1`);
    rows[1300] = `${ids[2300]},-1000`; // line 1302, in chunk 2: CSV-002300 holds 300
    const file = await csvFile('reject.csv', ['skuId,delta', ...rows]);
    const run = await cli('import', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('chunk 2 (lines 1002..1501) rejected, none of its rows applied');
    expect(run.stderr).toContain(
      'line 1302: CSV-002300: NOT_ENOUGH_STOCK (total 300, reserved 0, available 300)',
    );
    expect(run.stderr).toContain(
      'applied 1000 of 1500 row(s) in 1 chunk(s); 500 row(s) in 1 rejected chunk(s)',
    );
    const states = await runner.getMany([ids[1000], ids[2001], ids[2300]] as string[]);
    expect(states.map((s) => s?.total)).toEqual([1, 1, 300]); // chunk 1 applied (0 → 1), chunk 2 not
  }, 60_000);

  it('exports every SKU with its live counters', async () => {
    const file = path.join(dir, 'export.csv');
    const run = await cli('export', file);
    console.info(`stock:export of ${ROWS} SKUs: ${run.ms} ms`);
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = parse(await readFile(file)) as string[][];
    expect(header).toEqual(['skuId', 'total', 'reserved', 'available', 'version']);
    expect(rows).toHaveLength(ROWS);
    const states = new Map((await runner.getMany(ids)).map((s) => [s?.skuId, s]));
    const mismatched = rows.filter(([skuId, total, reserved, available, version]) => {
      const s = states.get(skuId);
      return (
        !s ||
        [s.total, s.reserved, s.available, s.version].join() !== [total, reserved, available, version].join()
      );
    });
    expect(mismatched).toEqual([]);
    expect(run.stderr).toContain(`exported ${ROWS} SKU(s)`);
  }, 60_000);
});
