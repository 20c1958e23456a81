import { describe, expect, it } from 'vitest';
import type { OutboxRecord } from '../journal/journal.store.js';
import { createOutboxQueue } from './outbox.queue.js';

const row = (id: number): OutboxRecord => ({ id, topic: 't', message_key: `k${id}`, payload: '{}' });
const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));
const ids = (taken: OutboxRecord[]) => taken.map((r) => r.id);

describe('outbox queue', () => {
  it('hands rows out oldest first, at most `max` at a time', () => {
    const queue = createOutboxQueue(100);
    queue.push(rows(1, 3));
    queue.push(rows(4, 5));
    expect(ids(queue.take(4, 0))).toEqual([1, 2, 3, 4]);
    expect(ids(queue.take(4, 4))).toEqual([5]);
    expect(queue.take(4, 5)).toEqual([]);
  });

  it('skips rows at or below the last id sent (already sent from a read of MariaDB)', () => {
    const queue = createOutboxQueue(100);
    queue.push(rows(1, 6));
    expect(ids(queue.take(10, 4))).toEqual([5, 6]);
  });

  it('refuses rows beyond its capacity and empties itself, so the publisher reads MariaDB instead', () => {
    const queue = createOutboxQueue(5);
    expect(queue.push(rows(1, 4))).toBe(true);
    expect(queue.push(rows(5, 6))).toBe(false);
    expect(queue.take(10, 0)).toEqual([]);
    expect(queue.push(rows(7, 8))).toBe(true);
    expect(ids(queue.take(10, 0))).toEqual([7, 8]);
  });

  it('keeps order across many pushes and takes (the array is compacted on the way)', () => {
    const queue = createOutboxQueue(10_000);
    const seen: number[] = [];
    let next = 1;
    let last = 0;
    for (let round = 0; round < 500; round++) {
      queue.push(rows(next, next + 6));
      next += 7;
      const taken = queue.take(5, last);
      seen.push(...ids(taken));
      last = taken.at(-1)?.id ?? last;
    }
    for (let taken = queue.take(5, last); taken.length > 0; taken = queue.take(5, last)) {
      seen.push(...ids(taken));
      last = taken.at(-1)?.id ?? last;
    }
    expect(seen).toEqual(rows(1, next - 1).map((r) => r.id));
  });
});
