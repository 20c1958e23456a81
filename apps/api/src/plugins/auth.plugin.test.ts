import { describe, expect, it } from 'vitest';
import { normalizeRoles, toPrincipal } from './auth.plugin.js';

describe('normalizeRoles', () => {
  it('counts ROLE_ADMIN as ADMIN and ROLE_SERVICE as SERVICE', () => {
    expect([...normalizeRoles(['ROLE_ADMIN', 'SERVICE'])]).toEqual(['ADMIN', 'SERVICE']);
  });

  it('ignores a roles claim that is not an array of strings', () => {
    expect(normalizeRoles('ADMIN').size).toBe(0);
    expect([...normalizeRoles([1, 'ADMIN', null])]).toEqual(['ADMIN']);
  });
});

describe('toPrincipal', () => {
  it('uses the subject as the actor when it is short and printable', () => {
    expect(toPrincipal({ sub: 'alice', roles: ['ADMIN'] })).toMatchObject({
      subject: 'alice',
      actor: 'http:alice',
    });
  });

  it('uses a hash as the actor for long or odd subjects, so the ledger column always fits', () => {
    const principal = toPrincipal({ sub: `x\u0001${'y'.repeat(200)}` });
    expect(principal.actor).toMatch(/^http:#[A-Za-z0-9_-]{22}$/);
    expect(principal.actor.length).toBeLessThanOrEqual(64);
  });

  it('rejects a token without a subject', () => {
    expect(() => toPrincipal({ roles: ['ADMIN'] })).toThrow(/subject/);
  });
});
