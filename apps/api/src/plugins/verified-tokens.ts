import { LRUCache } from 'lru-cache';

/**
 * Tokens already verified, by their exact text, with what they were verified to say. A hit skips
 * the HMAC check (and fast-jwt's own cache, which hashes every token with SHA-256 to look it up:
 * the largest part of auth on the hot read path). Expiry is still checked on every hit.
 */
export interface VerifiedTokenCache<T> {
  /** The cached value, or undefined when the token is unknown or has expired since. */
  get(token: string, nowMs: number): T | undefined;
  /** `expSeconds`: the token's `exp` claim (seconds since the epoch), if any. */
  set(token: string, value: T, expSeconds: unknown): void;
}

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

export function createVerifiedTokenCache<T extends object>(max = 1_000): VerifiedTokenCache<T> {
  const cache = new LRUCache<string, Entry<T>>({ max });
  return {
    get(token, nowMs) {
      const entry = cache.get(token);
      if (entry === undefined) return undefined;
      if (nowMs >= entry.expiresAtMs) {
        cache.delete(token);
        return undefined;
      }
      return entry.value;
    },
    set(token, value, expSeconds) {
      const expiresAtMs = typeof expSeconds === 'number' ? expSeconds * 1000 : Number.POSITIVE_INFINITY;
      cache.set(token, { value, expiresAtMs });
    },
  };
}
