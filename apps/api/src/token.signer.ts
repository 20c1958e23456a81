import { createHmac } from 'node:crypto';

/**
 * HS256 JWT signing with node:crypto alone (no core, no Fastify), for the token CLI, tests and the
 * benchmark.
 */

export interface TokenRequest {
  secret: string;
  sub: string;
  roles: string[];
  ttlSeconds: number;
  /** Epoch seconds; tests pass their own clock. */
  now?: number;
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signed token for `sub` with `roles`, valid for `ttlSeconds`. */
export function signToken(request: TokenRequest): string {
  const iat = request.now ?? Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: request.sub,
    roles: request.roles,
    iat,
    exp: iat + request.ttlSeconds,
  })}`;
  return `${head}.${createHmac('sha256', request.secret).update(head).digest('base64url')}`;
}
