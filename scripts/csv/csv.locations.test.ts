import { describe, expect, it } from 'vitest';
import { locationRowsOf, pageRows, skuRow } from './csv.export-locations.js';
import { mapPool } from './csv.pool.js';
import { describeLocationRejection } from './csv.report.js';
import { parseStockCsv } from './csv.rows.js';

/** The CSV tool's location columns (docs/locations.md): header, rows, export rows, rejections. */

describe('parseStockCsv with a locationId column', () => {
  it('when a row names a location, reads its figures (empty cells: unchanged); a row without one is a SKU row as before', () => {
    const parsed = parseStockCsv(
      [
        'skuId,total,locationId,safetyStock,backorderLimit',
        'A,10,,,', // 2: SKU row
        'B,5,berlin,1,', // 3
        'B,,hamburg,,3', // 4: settings only
        'C,0, default ,2,0', // 5: the id is trimmed
      ].join('\n'),
    );
    expect(parsed).toEqual({
      mode: 'total',
      fatal: false,
      problems: [],
      rows: [{ line: 2, skuId: 'A', amount: 10 }],
      locationRows: [
        { line: 3, skuId: 'B', locationId: 'berlin', total: 5, safetyStock: 1 },
        { line: 4, skuId: 'B', locationId: 'hamburg', backorderLimit: 3 },
        { line: 5, skuId: 'C', locationId: 'default', total: 0, safetyStock: 2, backorderLimit: 0 },
      ],
    });
  });

  it('when the columns come in another order and case, reads them by name', () => {
    const parsed = parseStockCsv('SKUID, LocationId ,Total\nA,berlin,4\n');
    expect(parsed.locationRows).toEqual([{ line: 2, skuId: 'A', locationId: 'berlin', total: 4 }]);
  });

  it('when location rows are malformed, reports every one with its line and the reason', () => {
    const csv = [
      'skuId,total,locationId,safetyStock,backorderLimit',
      'A,1,berlin,,', // 2: fine
      'A,2,berlin,,', // 3: the same pair again
      'A,3,,,', // 4: A has location rows
      'B,4,,,', // 5: fine (SKU row)
      'B,1,berlin,,', // 6: B has a SKU row
      'C,1,bad id,,', // 7
      'D,,hamburg,,', // 8: nothing to set
      'E,1,hamburg,-1,1000000001', // 9
      'F,1,,2,', // 10: a setting without a location
      'G,1,berlin', // 11: three columns
    ].join('\n');
    const parsed = parseStockCsv(csv);
    expect(parsed.rows).toEqual([{ line: 5, skuId: 'B', amount: 4 }]);
    expect(parsed.locationRows).toEqual([{ line: 2, skuId: 'A', locationId: 'berlin', total: 1 }]);
    expect(parsed.problems).toEqual([
      { line: 3, message: 'duplicate skuId "A" at location "berlin" (first on line 2)' },
      { line: 4, message: 'skuId "A" has rows with a locationId (line 2): give either those or one without' },
      {
        line: 6,
        message: 'skuId "B" has a row without locationId (line 5): give either that or rows with one',
      },
      {
        line: 7,
        message:
          'locationId "bad id" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      },
      { line: 8, message: 'give at least one of total, safetyStock, backorderLimit' },
      {
        line: 9,
        message:
          'safetyStock "-1" is not a whole number written with digits; backorderLimit must be an integer 0..1000000000',
      },
      { line: 10, message: 'safetyStock needs a locationId: it is set per location' },
      {
        line: 11,
        message: 'expected 5 columns (skuId,total,locationId,safetyStock,backorderLimit), got 3',
      },
    ]);
  });

  it('when the header pairs locations with delta, names an unknown column or lacks locationId, the whole file is refused', () => {
    const refused = (header: string) => {
      const parsed = parseStockCsv(`${header}\nA,1,x\n`);
      expect(parsed).toMatchObject({ fatal: true, mode: null, rows: [] });
      return parsed.problems.map((p) => `${p.line}: ${p.message}`);
    };
    expect(refused('skuId,delta,locationId')).toEqual([
      '1: locationId, safetyStock and backorderLimit go with a total column: a location is set, not adjusted',
    ]);
    expect(refused('skuId,total,safetyStock')).toEqual([
      '1: safetyStock and backorderLimit need a locationId column: they are set per location',
    ]);
    expect(refused('skuId,total,warehouse')).toEqual([
      '1: the first row must be the header skuId,total or skuId,delta; column 3 "warehouse" is none of total, delta, locationId, safetyStock, backorderLimit',
    ]);
    expect(refused('skuId,total,total')).toEqual([
      '1: the first row must be the header skuId,total or skuId,delta; the column total is named twice',
    ]);
    expect(refused('skuId,locationId')).toEqual([
      '1: the first row must be the header skuId,total or skuId,delta',
    ]);
  });
});

describe('describeLocationRejection', () => {
  const row = { line: 4, skuId: 'B C', locationId: 'berlin' };

  it('names the row by line, SKU and location, with the business reason or the field errors', () => {
    const notFound = { code: 'INVENTORY-404-004', message: 'Location berlin is unknown or inactive' };
    const below = {
      code: 'INVENTORY-409-001',
      message: 'Total 1 is below the reserved quantity',
      details: { reason: 'BELOW_RESERVED', reserved: 3 },
    };
    const invalid = {
      code: 'INVENTORY-400-001',
      message: 'x',
      fieldErrors: [{ field: 'total', value: 1, reason: 'the total would exceed 10^12' }],
    };
    expect(describeLocationRejection(notFound, row)).toBe(
      'line 4: "B C" @ berlin: LOCATION_NOT_FOUND: Location berlin is unknown or inactive',
    );
    expect(describeLocationRejection(below, row)).toBe(
      'line 4: "B C" @ berlin: BELOW_RESERVED: Total 1 is below the reserved quantity',
    );
    expect(describeLocationRejection(invalid, row)).toBe(
      'line 4: "B C" @ berlin: INVENTORY-400-001: total the total would exceed 10^12',
    );
  });
});

describe('export rows per location', () => {
  const level = { skuId: 'A', total: 12, reserved: 1, available: 10, version: 7, updatedAt: '' };
  const at = (locationId: string, total: number, safetyStock = 0, backorderLimit = 0) => ({
    locationId,
    total,
    reserved: 0,
    safetyStock,
    backorderLimit,
    available: total - safetyStock,
  });

  it('when a SKU holds stock away from default or has a setting, writes default and every location that holds anything', () => {
    const sku = {
      ...level,
      locations: [at('berlin', 4, 1), at('default', 8), at('emptied', 0), at('hamburg', 0, 0, 2)],
    };
    expect(locationRowsOf(sku)).toEqual([
      ['A', 4, 0, 3, 7, 'berlin', 1, 0],
      ['A', 8, 0, 8, 7, 'default', 0, 0],
      ['A', 0, 0, 0, 7, 'hamburg', 0, 2],
    ]);
  });

  it("when a SKU has only default without settings, keeps today's single row", () => {
    expect(locationRowsOf({ ...level, locations: [at('default', 12), at('emptied', 0)] })).toBeNull();
    expect(skuRow(level)).toEqual(['A', 12, 1, 10, 7, '', '', '']);
  });

  it('takes a page from the listing alone: per-location rows where the SKU has them, one row otherwise', () => {
    const located = { ...level, locations: [at('default', 8), { ...at('hamburg', 0), backorderLimit: 2 }] };
    const { rows, located: count } = pageRows([
      located,
      { ...level, skuId: 'B' },
      { ...level, skuId: 'C', locations: [at('default', 12)] },
    ]);
    expect(rows.map((r) => [r[0], r[5]])).toEqual([
      ['A', 'default'],
      ['A', 'hamburg'],
      ['B', ''],
      ['C', ''],
    ]);
    expect(count).toBe(1);
  });
});

describe('mapPool', () => {
  it('when calls finish out of order, returns results in the items’ order with at most n in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapPool([30, 10, 20, 0, 5], 2, async (ms, i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight -= 1;
      return i;
    });
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});
