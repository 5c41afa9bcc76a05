import * as crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';
import { csrfTokenMatches } from './auth-plugin.js';

// Spy on the library boundary: the CSRF check must go through crypto's constant-time compare.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await t.app.baken.repos.users.create(
    {
      username: 'tess',
      displayName: 'Tess',
      role: 'technician',
      passwordHash: await t.app.baken.auth.hashPassword('a long enough pw'),
    },
    t.clock.now(),
  );
});
afterEach(() => t.close());

describe('CSRF token check', () => {
  it('compares equal-length digests in constant time, whatever is presented', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(csrfTokenMatches('abc', 'abc')).toBe(true);
    expect(csrfTokenMatches('abd', 'abc')).toBe(false);
    expect(csrfTokenMatches('a-much-longer-token-than-expected', 'abc')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(csrfTokenMatches(['abc', 'abc'], 'abc')).toBe(false);
    expect(csrfTokenMatches(undefined, 'abc')).toBe(false);
    expect(csrfTokenMatches('abc', null)).toBe(false);
  });

  it('a cookie-authenticated state change is checked with the constant-time compare', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'tess', password: 'a long enough pw' },
    });
    const session = login.cookies.find((c) => c.name === 'baken_session')!.value;
    const csrf = login.json().csrfToken as string;
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { baken_session: session },
      headers: { 'x-baken-csrf': `${csrf.slice(0, -1)}x` },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('BAKEN_ERR_CSRF');
    expect(spy).toHaveBeenCalled();
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { baken_session: session },
      headers: { 'x-baken-csrf': csrf },
    });
    expect(ok.statusCode).toBe(204);
  });
});
