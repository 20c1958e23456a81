import { describe, expect, it } from 'vitest';
import { describeRejection } from './csv.report.js';
import { parseStockCsv } from './csv.rows.js';

describe('parseStockCsv', () => {
  it('when the header is skuId,total, reads each row with its line number (BOM and blank lines allowed)', () => {
    const parsed = parseStockCsv('\ufeffskuId,total\nA,10\n\n"B, with comma",0\nüñí-é,007\n');
    expect(parsed).toEqual({
      mode: 'total',
      fatal: false,
      problems: [],
      rows: [
        { line: 2, skuId: 'A', amount: 10 },
        { line: 4, skuId: 'B, with comma', amount: 0 },
        { line: 5, skuId: 'üñí-é', amount: 7 },
      ],
    });
  });

  it('when the header is skuId,delta, takes signed deltas', () => {
    const parsed = parseStockCsv('skuId , Delta\nA,-3\nB,+4\n');
    expect(parsed.mode).toBe('delta');
    expect(parsed.rows.map((r) => r.amount)).toEqual([-3, 4]);
  });

  it('when rows are malformed, reports every one with its line and the reason, and keeps the good rows', () => {
    const csv = [
      'skuId,delta',
      'A,1', // 2: fine
      'B,1.5', // 3: not digits
      'C,0', // 4: zero delta
      'D,1000000001', // 5: above 10^9
      'A,2', // 6: duplicate
      'E', // 7: one column
      'F,1,2', // 8: three columns
      `${'x'.repeat(129)},1`, // 9: skuId too long
      '"bad\u0007id",1', // 10: control character
      ',1', // 11: empty skuId
    ].join('\n');
    const parsed = parseStockCsv(csv);
    expect(parsed.rows).toEqual([{ line: 2, skuId: 'A', amount: 1 }]);
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'delta "1.5" is not a whole number written with digits',
      'delta must be a non-zero integer -1000000000..1000000000',
      'delta must be a non-zero integer -1000000000..1000000000',
      'duplicate skuId "A" (first on line 2)',
      'expected 2 columns (skuId,delta), got 1',
      'expected 2 columns (skuId,delta), got 3',
      'skuId must be 1..128 characters',
      'skuId must not contain control characters',
      'skuId must be 1..128 characters',
    ]);
  });

  it('when a total is negative or above 10^12, reports it', () => {
    const parsed = parseStockCsv('skuId,total\nA,-1\nB,1000000000001\n');
    expect(parsed.problems).toEqual([
      { line: 2, message: 'total "-1" is not a whole number written with digits' },
      { line: 3, message: 'total must be an integer 0..1000000000000' },
    ]);
  });

  it('when the header is missing or the quoting is broken, the whole file is refused', () => {
    expect(parseStockCsv('sku,total\nA,1\n')).toMatchObject({ fatal: true, problems: [{ line: 1 }] });
    expect(parseStockCsv('')).toMatchObject({ fatal: true });
    expect(parseStockCsv('skuId,total\n"A,1\n')).toMatchObject({
      fatal: true,
      problems: [{ message: expect.stringMatching(/^unreadable CSV: Quote Not Closed/) }],
    });
  });
});

describe('describeRejection', () => {
  const rows = [
    { line: 7, skuId: 'A', amount: -5 },
    { line: 9, skuId: 'B C', amount: -1 },
  ];

  it('names each failing item by the line it came from, with its counters', () => {
    const lines = describeRejection(
      {
        code: 'INVENTORY-404-002',
        message: 'x',
        details: {
          failedItems: [
            { skuId: 'A', reason: 'NOT_ENOUGH_STOCK', total: 4, reserved: 1, available: 3 },
            { skuId: 'B C', reason: 'SKU_NOT_FOUND', total: null, reserved: null, available: null },
          ],
        },
      },
      rows,
    );
    expect(lines).toEqual([
      'line 7: A: NOT_ENOUGH_STOCK (total 4, reserved 1, available 3)',
      'line 9: "B C": SKU_NOT_FOUND (unknown SKU)',
    ]);
  });

  it('maps field errors of items[i] to the chunk row i', () => {
    const lines = describeRejection(
      {
        code: 'INVENTORY-400-001',
        message: 'x',
        fieldErrors: [{ field: 'items[1].delta', value: 1, reason: 'the total would exceed 10^12' }],
      },
      rows,
    );
    expect(lines).toEqual(['line 9: items[1].delta the total would exceed 10^12']);
  });
});
