import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from './verified-tokens.js';

describe('verified token cache', () => {
  const principal = { subject: 'alice' };

  it('returns what was cached for the exact token text, until exp', () => {
    const cache = createVerifiedTokenCache<typeof principal>();
    cache.set('token-a', principal, 100); // exp = 100 s after the epoch
    expect(cache.get('token-a', 99_999)).toBe(principal);
    expect(cache.get('token-b', 99_999)).toBeUndefined();
    expect(cache.get('token-a', 100_000)).toBeUndefined(); // expired: the caller verifies again (and fails)
    expect(cache.get('token-a', 50_000)).toBeUndefined(); // and the expired entry is gone
  });

  it('keeps a token without exp, and forgets the least recently used beyond its size', () => {
    const cache = createVerifiedTokenCache<typeof principal>(2);
    cache.set('a', principal, undefined);
    cache.set('b', principal, 'not a number');
    expect(cache.get('a', Date.now())).toBe(principal);
    cache.set('c', principal, undefined);
    expect(cache.get('b', Date.now())).toBeUndefined();
    expect(cache.get('a', Date.now())).toBe(principal);
  });
});
