import { createHash } from 'node:crypto';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';
import { createVerifiedTokenCache } from './verified-tokens.js';

/**
 * Bearer JWT auth (docs/contract.md §4): HS256 only (`alg: none` and every other algorithm are rejected),
 * claims `sub` and `roles`; `ROLE_ADMIN` counts as `ADMIN`, `ROLE_SERVICE` as `SERVICE`. Each route
 * names its policy in `config.auth`; the check runs in onRequest, before the body is even parsed.
 */

export type AuthPolicy = 'public' | 'read' | 'admin' | 'reservation';

export interface Principal {
  subject: string;
  roles: ReadonlySet<string>;
  /** Who asked, as written to the journal and the ledger (`http:<sub>`, at most 64 characters). */
  actor: string;
  /**
   * subjectKey(subject), computed once per token (principals are cached with their token): it
   * keys the rate limit and namespaces idempotency keys on every request.
   */
  subjectKey: string;
}

/** A stable short hash of a subject: names odd subjects in the ledger, namespaces idempotency keys. */
export function subjectKey(subject: string): string {
  return createHash('sha256').update(subject).digest('base64url').slice(0, 22);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthPolicy;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** The principal of the request's bearer token, or null without a valid one (never throws). */
    identify(request: FastifyRequest): Principal | null;
  }
}

export interface AuthOptions {
  secret: string;
  /** config.http.readsPublic: reads need no token. */
  readsPublic: boolean;
}

const requiredRoles: Record<Exclude<AuthPolicy, 'public' | 'read'>, readonly string[]> = {
  admin: ['ADMIN'],
  reservation: ['ADMIN', 'SERVICE'],
};

export function normalizeRoles(claim: unknown): Set<string> {
  if (!Array.isArray(claim)) return new Set();
  return new Set(
    claim
      .filter((r): r is string => typeof r === 'string')
      .map((r) => (r.startsWith('ROLE_') ? r.slice(5) : r)),
  );
}

const printableActor = /^[\x21-\x7e]{1,59}$/;

export function toPrincipal(claims: Record<string, unknown>): Principal {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 255) {
    throw unauthorized('The token has no valid subject (sub)');
  }
  // The ledger's actor column holds 64 characters; odd or long subjects are written by hash.
  const key = subjectKey(subject);
  const actor = printableActor.test(subject) ? `http:${subject}` : `http:#${key}`;
  return { subject, roles: normalizeRoles(claims.roles), actor, subjectKey: key };
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, ErrorCode.UNAUTHORIZED, message, { headers: { 'www-authenticate': 'Bearer' } });
}

/** fast-jwt error codes → what the client is told. */
function tokenProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'FAST_JWT_EXPIRED') return 'The token has expired';
  if (code === 'FAST_JWT_INACTIVE') return 'The token is not valid yet';
  if (code === 'FAST_JWT_INVALID_SIGNATURE') return 'The token signature is invalid';
  if (code === 'FAST_JWT_INVALID_ALGORITHM' || code === 'FAST_JWT_MISSING_SIGNATURE') {
    return 'The token must be signed with HS256';
  }
  return 'The token is malformed';
}

async function authSetup(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyJwt, {
    secret: options.secret,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] },
  });
  app.decorateRequest('principal', null);

  // A token already verified is not verified again: its principal is cached by the token's text
  // until the token's `exp` (a token with an `nbf` in the future never verifies, so is never cached).
  const verified = createVerifiedTokenCache<Principal>();

  function authenticate(request: FastifyRequest): Principal {
    const header = request.headers.authorization;
    if (header === undefined || header === '') throw unauthorized('Missing Authorization: Bearer <token>');
    const match = /^Bearer +([^\s]+) *$/i.exec(header);
    const token = match?.[1];
    if (!token) throw unauthorized('Authorization must be: Bearer <token>');
    const cached = verified.get(token, Date.now());
    if (cached !== undefined) return cached;
    let claims: unknown;
    try {
      claims = app.jwt.verify(token);
    } catch (error) {
      throw unauthorized(tokenProblem(error));
    }
    if (typeof claims !== 'object' || claims === null) throw unauthorized('The token is malformed');
    const principal = toPrincipal(claims as Record<string, unknown>);
    verified.set(token, principal, (claims as { exp?: unknown }).exp);
    return principal;
  }

  /** The error that refuses this request under `policy`, or undefined (and the principal is set). */
  function refusal(request: FastifyRequest, policy: Exclude<AuthPolicy, 'public'>): Error | undefined {
    try {
      request.principal = authenticate(request);
    } catch (error) {
      return error as Error;
    }
    if (policy === 'read') return undefined;
    const needed = requiredRoles[policy];
    if (needed.some((role) => request.principal?.roles.has(role))) return undefined;
    return new ApiError(403, ErrorCode.FORBIDDEN, `This route needs the role ${needed.join(' or ')}`);
  }

  // Callback style: the check is synchronous, so no promise per request.
  function authorize(policy: Exclude<AuthPolicy, 'public'>) {
    return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
      done(refusal(request, policy));
    };
  }

  app.decorate('identify', (request: FastifyRequest): Principal | null => {
    try {
      return authenticate(request);
    } catch {
      return null;
    }
  });

  // A route-level hook, appended after the rate limiter's (registered first), so floods of bad
  // tokens are throttled too; public routes carry no auth hook at all.
  app.addHook('onRoute', (route) => {
    const policy = route.config?.auth ?? 'public';
    if (policy === 'public' || (policy === 'read' && options.readsPublic)) return;
    const existing = route.onRequest;
    const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    route.onRequest = [...hooks, authorize(policy)];
  });
}

export const authPlugin = fp(authSetup, { name: 'auth', fastify: '5.x' });
