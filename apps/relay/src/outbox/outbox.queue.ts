import type { OutboxRecord } from '../journal/journal.store.js';

export interface OutboxQueue {
  /** Appends rows in id order; false (and the queue emptied) when they would not fit. */
  push(rows: OutboxRecord[]): boolean;
  /** Removes and returns up to `max` rows with an id above `afterId`, dropping older ones. */
  take(max: number, afterId: number): OutboxRecord[];
}

/**
 * The rows the drainer committed and the publisher has not sent yet, oldest first. Bounded: while
 * the broker is away the outbox grows in MariaDB, not in the relay's memory.
 */
export function createOutboxQueue(capacity: number): OutboxQueue {
  let rows: OutboxRecord[] = [];
  let head = 0;
  return {
    push(added) {
      if (rows.length - head + added.length > capacity) {
        rows = [];
        head = 0;
        return false;
      }
      for (const row of added) rows.push(row);
      return true;
    },
    take(max, afterId) {
      while (head < rows.length && (rows[head]?.id ?? 0) <= afterId) head++;
      const taken = rows.slice(head, head + max);
      head += taken.length;
      // Drop what was taken once it is most of the array, instead of shifting on every take.
      if (head > 1_000 && head * 2 > rows.length) {
        rows = rows.slice(head);
        head = 0;
      }
      return taken;
    },
  };
}
