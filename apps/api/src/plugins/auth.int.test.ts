import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, TEST_JWT_SECRET, type TestApp } from '../testing/app.testing.js';
import { signToken } from '../token.signer.js';

let t: TestApp;

beforeEach(async () => {
  t = await build();
  await t.runner.init({
    causationId: 'c',
    correlationId: 'c',
    actor: 'test',
    skuId: 'A',
    initialQuantity: 5,
  });
});
afterEach(async () => {
  await t.close();
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function handBuilt(alg: string, key: string | null): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64({ sub: 'mallory', roles: ['ADMIN'], exp: now() + 600 })}`;
  if (key === null) return `${head}.`;
  return `${head}.${createHmac(alg === 'HS512' ? 'sha512' : 'sha256', key)
    .update(head)
    .digest('base64url')}`;
}

const read = (authorization?: string) =>
  t.app.inject({
    method: 'GET',
    url: '/api/v1/inventory/A',
    headers: authorization === undefined ? {} : { authorization },
  });
const adminAdd = (token: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/inventory/A/add',
    headers: { authorization: `Bearer ${token}` },
    payload: { quantity: 1 },
  });
const reserve = (token: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/reservations',
    headers: { authorization: `Bearer ${token}` },
    payload: { orderId: 1, items: [{ skuId: 'A', quantity: 1 }] },
  });

describe('401 COMMON-401', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not Bearer', 'Basic YWxpY2U6c2VjcmV0'],
    ['malformed', 'Bearer not-a-jwt'],
    ['three garbage parts', 'Bearer a.b.c'],
    ['alg none (hand-built, empty signature)', `Bearer ${handBuilt('none', null)}`],
    ['HS512 with the right secret (algorithm not allowed)', `Bearer ${handBuilt('HS512', TEST_JWT_SECRET)}`],
    [
      'a wrong signature',
      `Bearer ${signToken({ secret: 'another-secret-another-secret-00', sub: 'x', roles: ['ADMIN'], ttlSeconds: 60 })}`,
    ],
  ])('when the token is %s, answers 401 in the envelope', async (_case, authorization) => {
    const response = await read(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ success: false, error: { code: 'COMMON-401' } });
  });

  it('when the token has expired, answers 401 saying so', async () => {
    const expired = t.app.jwt.sign({ sub: 'alice', roles: ['ADMIN'], iat: now() - 120, exp: now() - 60 });
    const response = await read(`Bearer ${expired}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/expired/);
  });

  it('a token accepted before is refused once it has expired (the verified-token cache honours exp)', async () => {
    const soon = t.app.jwt.sign({ sub: 'alice', roles: ['ADMIN'], iat: now(), exp: now() + 1 });
    expect((await read(`Bearer ${soon}`)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 2_100));
    const response = await read(`Bearer ${soon}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/expired/);
  });

  it('when the token has no subject, answers 401', async () => {
    const response = await read(`Bearer ${t.app.jwt.sign({ roles: ['ADMIN'] })}`);
    expect(response.statusCode).toBe(401);
  });

  it('a write without a token changes nothing', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/A/add',
      payload: { quantity: 1 },
    });
    expect(response.statusCode).toBe(401);
    expect(await t.runner.get('A')).toMatchObject({ total: 5 });
  });
});

describe('roles', () => {
  it('a valid token without the role answers 403 COMMON-403 on admin and reservation routes', async () => {
    const user = t.token(['USER']);
    for (const response of [await adminAdd(user), await reserve(user)]) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ success: false, error: { code: 'COMMON-403' } });
    }
  });

  it('SERVICE may reserve but not adjust stock', async () => {
    const serviceToken = t.token(['ROLE_SERVICE']);
    expect((await reserve(serviceToken)).statusCode).toBe(201);
    expect((await adminAdd(serviceToken)).statusCode).toBe(403);
  });

  it('ADMIN and ROLE_ADMIN both count as ADMIN', async () => {
    expect((await adminAdd(t.token(['ADMIN']))).statusCode).toBe(200);
    expect((await adminAdd(t.token(['ROLE_ADMIN']))).statusCode).toBe(200);
  });

  it('reads need any valid token, whatever its roles', async () => {
    const response = await read(`Bearer ${t.token([])}`);
    expect(response.statusCode).toBe(200);
  });

  it('health, metrics and docs need no token', async () => {
    for (const url of [
      '/health/live',
      '/health/ready',
      '/actuator/health',
      '/metrics',
      '/openapi.json',
      '/docs',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
  });
});
