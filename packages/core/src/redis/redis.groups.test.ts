import { describe, expect, it } from 'vitest';
import { isTransientRedisError } from './redis.groups.js';

describe('isTransientRedisError', () => {
  it('when a cluster master is down or slots move, calls the error transient', () => {
    for (const message of [
      'CLUSTERDOWN The cluster is down',
      'MOVED 8685 127.0.0.1:6392',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'Too many Cluster redirections. Last error: ReplyError: MOVED 6970 127.0.0.1:6392',
      'Connection is closed.',
    ])
      expect(isTransientRedisError(new Error(message)), message).toBe(true);
  });

  it('when the error is anything else (a script error, a bug, not an Error), says no', () => {
    expect(isTransientRedisError(new Error('ERR Error running script'))).toBe(false);
    expect(isTransientRedisError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      false,
    );
    expect(isTransientRedisError('CLUSTERDOWN')).toBe(false);
  });
});
