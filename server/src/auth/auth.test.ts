import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';
import { hashPassword } from './password.js';

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

const login = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress: ip,
  });

describe('login, me, logout', () => {
  it('logs in with a strict httpOnly cookie and answers me; logout ends the session', async () => {
    const res = await login('tess', 'a long enough pw');
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'baken_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = res.json();
    expect(body.user.username).toBe('tess');
    expect(JSON.stringify(body)).not.toContain('scrypt');
    const me = await t.app.inject({ url: '/api/v1/auth/me', cookies: { baken_session: cookie.value } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ via: 'session', csrfToken: body.csrfToken });

    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { baken_session: cookie.value },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('BAKEN_ERR_CSRF');
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { baken_session: cookie.value },
      headers: { 'x-baken-csrf': body.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/v1/auth/me', cookies: { baken_session: cookie.value } });
    expect(after.statusCode).toBe(401);
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const wrong = await login('tess', 'not the password');
    const unknown = await login('nobody', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('BAKEN_ERR_UNAUTHENTICATED');
  });

  it('expires sessions on the clock', async () => {
    const res = await login('tess', 'a long enough pw');
    const value = res.cookies[0]!.value;
    t.clock.advance(t.app.baken.config.auth.sessionTtlS * 1000 + 1);
    const me = await t.app.inject({ url: '/api/v1/auth/me', cookies: { baken_session: value } });
    expect(me.statusCode).toBe(401);
  });

  it('rate-limits failed logins per user, then frees up after the window', async () => {
    const max = t.app.baken.config.auth.loginMaxFailuresPerUser;
    for (let i = 0; i < max; i++) expect((await login('tess', 'wrong', `10.0.1.${i}`)).statusCode).toBe(401);
    const blocked = await login('tess', 'a long enough pw', '10.0.2.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('BAKEN_ERR_RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(t.app.baken.config.auth.loginWindowS * 1000);
    expect((await login('tess', 'a long enough pw')).statusCode).toBe(200);
  });

  it('rejects a bad bearer token with 401 and accepts an API token', async () => {
    const bad = await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: 'Bearer bkn_nope' } });
    expect(bad.statusCode).toBe(401);
    const u = await t.userWithToken('monitor');
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: u.auth });
    expect(me.json()).toMatchObject({ via: 'token', csrfToken: null });
  });
});

describe('password cost', () => {
  it('re-hashes a password stored at an older cost on the next good login, never on a bad one', async () => {
    const current = { N: 32768, r: 8, p: 1 };
    const u = await testApp({ auth: { scrypt: current } });
    try {
      const older = await hashPassword('an older hash pw', { N: 16384, r: 8, p: 1 });
      await u.app.baken.repos.users.create(
        { username: 'olga', displayName: 'Olga', role: 'monitor', passwordHash: older },
        u.clock.now(),
      );
      const stored = async () => (await u.app.baken.repos.users.findForLogin('olga'))!.passwordHash;
      const attempt = (password: string) =>
        u.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'olga', password } });
      expect((await attempt('wrong password')).statusCode).toBe(401);
      expect(await stored()).toBe(older);
      expect((await attempt('an older hash pw')).statusCode).toBe(200);
      const renewed = await stored();
      expect(renewed.startsWith('scrypt$32768$8$1$')).toBe(true);
      expect((await attempt('an older hash pw')).statusCode).toBe(200);
      expect(await stored()).toBe(renewed);
    } finally {
      await u.close();
    }
  });

  it('hashes passwords set through the API at the configured cost', async () => {
    const u = await testApp({ auth: { scrypt: { N: 32768, r: 8, p: 1 } } });
    try {
      const admin = await u.userWithToken('admin');
      const created = await u.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.auth,
        payload: { username: 'carla', displayName: 'Carla', role: 'monitor', password: 'a long enough pw' },
      });
      expect(created.statusCode).toBe(201);
      const stored = (await u.app.baken.repos.users.findForLogin('carla'))!.passwordHash;
      expect(stored.startsWith('scrypt$32768$8$1$')).toBe(true);
    } finally {
      await u.close();
    }
  });
});
