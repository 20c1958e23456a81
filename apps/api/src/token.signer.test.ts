import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken } from './token.signer.js';

describe('signToken', () => {
  it('signs an HS256 JWT with sub, roles, iat and exp', () => {
    // Act
    const token = signToken({
      secret: 's'.repeat(32),
      sub: 'alice',
      roles: ['ADMIN'],
      ttlSeconds: 60,
      now: 1000,
    });
    // Assert
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      sub: 'alice',
      roles: ['ADMIN'],
      iat: 1000,
      exp: 1060,
    });
    expect(signature).toBe(
      createHmac('sha256', 's'.repeat(32)).update(`${header}.${payload}`).digest('base64url'),
    );
  });
});
