import type { StockApiClient } from './csv.client.js';
import { LOCATION_CONCURRENCY, mapPool } from './csv.pool.js';
import type { Progress } from './csv.progress.js';
import { describeLocationRejection } from './csv.report.js';
import type { LocationRow } from './csv.rows.js';

/**
 * The rows of a CSV that name a location, applied one by one through
 * PUT /api/v1/admin/inventory/{skuId}/locations/{locationId} (the API has no bulk form for
 * locations). Each row is its own write, so a rejected row leaves the others applied. Its
 * Idempotency-Key is the file's SHA-256 plus the row's line: running the same file again replays
 * every row that landed and changes nothing.
 */

export interface LocationTally {
  applied: number;
  /** Applied by an earlier run of the same file: unchanged. */
  replayed: number;
  rejected: number;
}

export interface LocationApply {
  client: StockApiClient;
  reason: string;
  fileHash: string;
  err(line: string): void;
  progress: Progress;
}

/** `-L<line>` keeps these keys apart from the bulk chunks' `-<index>`. */
export const locationKey = (fileHash: string, row: LocationRow) => `${fileHash}-L${row.line}`;

export async function applyLocationRows(o: LocationApply, rows: LocationRow[]): Promise<LocationTally> {
  const answers = await mapPool(rows, LOCATION_CONCURRENCY, async (row) => {
    const { skuId, locationId, total, safetyStock, backorderLimit } = row;
    const body = { total, safetyStock, backorderLimit, reason: o.reason };
    const answer = await o.client.setLocation(skuId, locationId, body, locationKey(o.fileHash, row));
    o.progress.advance(1);
    if (!answer.ok && (answer.status === 401 || answer.status === 403)) {
      throw new Error(`the API refused the token: ${answer.error.code} ${answer.error.message}`);
    }
    return answer;
  });
  const tally: LocationTally = { applied: 0, replayed: 0, rejected: 0 };
  // Reported in file order, whatever order the calls finished in.
  for (const [i, answer] of answers.entries()) {
    const row = rows[i] as LocationRow;
    if (answer.ok) {
      tally.applied += 1;
      if (answer.replayed) tally.replayed += 1;
    } else {
      tally.rejected += 1;
      o.err(describeLocationRejection(answer.error, row));
    }
  }
  return tally;
}
