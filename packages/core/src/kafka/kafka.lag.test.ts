import { describe, expect, it } from 'vitest';
import { partitionLag } from './kafka.lag.js';

describe('partitionLag', () => {
  it('when the group committed an offset, is the end offset minus the committed one', () => {
    expect(partitionLag('40', '100', '0')).toBe(60);
    expect(partitionLag('100', '100', '0')).toBe(0);
  });

  it('when the group never committed, counts from the earliest retained offset', () => {
    expect(partitionLag('-1', '100', '30')).toBe(70);
  });

  it('when retention deleted past the committed offset, counts only what is still there', () => {
    expect(partitionLag('10', '100', '30')).toBe(70);
  });

  it('when offsets pass 2^53, stays exact', () => {
    expect(partitionLag('9007199254740993', '9007199254740995', '0')).toBe(2);
  });
});
