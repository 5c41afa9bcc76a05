import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, MIN_SCRYPT_N } from '../../auth/password.js';
import { type TestApp, testApp } from '../../testing/test-app.js';

let t: TestApp;
let admin: { id: string; auth: { authorization: string } };
beforeEach(async () => {
  t = await testApp();
  admin = await t.userWithToken('admin', { username: 'ada' });
});
afterEach(() => t.close());

const call = async (
  method: 'PATCH' | 'DELETE' | 'POST',
  url: string,
  auth: Record<string, string>,
  payload?: object,
) => {
  const res = await t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, code: res.statusCode >= 400 ? res.json().error.code : undefined };
};
const patchUser = (id: string, body: object, auth: Record<string, string> = admin.auth) =>
  call('PATCH', `/api/v1/users/${id}`, auth, body);

describe('the last active admin', () => {
  it('cannot demote, disable, expire or reset the password of themselves as the last admin', async () => {
    for (const body of [
      { role: 'technician' },
      { disabled: true },
      { validUntil: t.clock.now() - 1 },
      { password: 'a brand new password' },
    ])
      expect(await patchUser(admin.id, body), JSON.stringify(body)).toMatchObject({ status: 409 });
    expect((await patchUser(admin.id, { role: 'technician' })).code).toBe('BAKEN_ERR_OWN_ADMIN');
    expect((await patchUser(admin.id, { password: 'a brand new password' })).code).toBe(
      'BAKEN_ERR_LAST_ADMIN',
    );
    // Still an admin, still able to act.
    expect((await t.app.inject({ url: '/api/v1/users', headers: admin.auth })).statusCode).toBe(200);
    // Harmless edits stay allowed.
    expect((await patchUser(admin.id, { displayName: 'Ada L.' })).status).toBe(200);
  });

  it('is kept when a second admin demotes, disables, deletes or resets it', async () => {
    const other = await t.userWithToken('admin', { username: 'bob' });
    // Bob is active: Ada may be demoted by Bob (not by herself).
    expect((await patchUser(admin.id, { role: 'monitor' })).code).toBe('BAKEN_ERR_OWN_ADMIN');
    expect((await patchUser(admin.id, { disabled: true })).code).toBe('BAKEN_ERR_OWN_ADMIN');
    expect((await patchUser(admin.id, { role: 'monitor' }, other.auth)).status).toBe(200);
    // Now Ada is a monitor and Bob the last admin: a fresh admin token for Ada is gone; use a third.
    const carol = await t.userWithToken('admin', { username: 'carol' });
    expect((await call('DELETE', `/api/v1/users/${other.id}`, carol.auth)).status).toBe(204);
    // Carol is the last admin now: nobody (not even she) can remove her.
    expect(await patchUser(carol.id, { role: 'technician' }, carol.auth)).toMatchObject({ status: 409 });
    expect((await patchUser(carol.id, { password: 'another long password' }, carol.auth)).code).toBe(
      'BAKEN_ERR_LAST_ADMIN',
    );
  });

  it('cannot be deleted or disabled by another admin when it is the only active one', async () => {
    const other = await t.userWithToken('admin', { username: 'bob' });
    expect((await patchUser(other.id, { disabled: true })).status).toBe(200);
    // Bob is disabled, so Ada is the last active admin; re-enabling Bob is allowed.
    const ada = await t.app.baken.repos.users.get(admin.id);
    expect(ada?.role).toBe('admin');
    expect((await patchUser(other.id, { disabled: false })).status).toBe(200);
    // Two racing demotions of each other: one wins, one is refused.
    const bobToken = (await t.app.baken.auth.createApiToken(other.id, 'race', null)).token;
    const [a, b] = await Promise.all([
      patchUser(other.id, { role: 'monitor' }),
      patchUser(admin.id, { role: 'monitor' }, { authorization: `Bearer ${bobToken}` }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const admins = (await t.app.baken.repos.users.list()).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(1);
    // The remaining admin cannot be deleted (and not by themselves).
    const last = admins[0]!;
    const lastAuth = last.id === admin.id ? admin.auth : { authorization: `Bearer ${bobToken}` };
    expect((await call('DELETE', `/api/v1/users/${last.id}`, lastAuth)).status).toBe(409);
  });
});

describe('changing your own password', () => {
  it('needs the current password and works for the last admin', async () => {
    await t.app.baken.repos.users.update(
      admin.id,
      { passwordHash: await hashPassword('the old password!') },
      t.clock.now(),
    );
    const url = '/api/v1/auth/password';
    expect(
      (await call('POST', url, admin.auth, { currentPassword: 'wrong', newPassword: 'a new long password' }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('POST', url, admin.auth, {
          currentPassword: 'the old password!',
          newPassword: 'a new long password',
        })
      ).status,
    ).toBe(204);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ada', password: 'a new long password' },
    });
    expect(login.statusCode).toBe(200);
    // Hashed at the configured cost (the cheapest in tests), not a hard-coded one.
    const stored = await t.app.baken.repos.users.findForLogin('ada');
    expect(stored?.passwordHash).toMatch(new RegExp(`^scrypt\\$${MIN_SCRYPT_N}\\$`));
  });
});
