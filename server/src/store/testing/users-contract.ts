import { describe, expect, it } from 'vitest';
import { fromConstraint } from '../../http/constraint-errors.js';
import { constraintViolation } from '../constraint-violation.js';
import type { NewUser } from '../repositories/users.js';
import { type MakeRepositories, rejection, T0, useRepositories } from './repositories-fixture.js';

const user = (username: string, extra: Partial<NewUser> = {}): NewUser => ({
  username,
  displayName: `${username} display`,
  role: 'technician',
  passwordHash: `hash-of-${username}`,
  ...extra,
});

/** The `UsersRepository` contract (store/repositories/users.ts), run against every binding. */
export function usersContract(name: string, make: MakeRepositories): void {
  describe(`UsersRepository contract: ${name}`, () => {
    const repos = useRepositories(make);

    it('creates a user with integer-ms timestamps and a boolean disabled flag, and reads it back', async () => {
      const { users } = repos();
      expect(await users.count()).toBe(0);
      const u = await users.create(user('alice', { validUntil: T0 + 5, role: 'monitor' }), T0);
      expect(u).toEqual({
        id: expect.any(String),
        username: 'alice',
        displayName: 'alice display',
        role: 'monitor',
        clientId: null,
        validUntil: T0 + 5,
        disabled: false,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await users.get(u.id)).toEqual(u);
      expect(await users.count()).toBe(1);
      expect(await users.get('nobody')).toBeNull();
    });

    it('finds a user for login case-insensitively, with the password hash', async () => {
      const { users } = repos();
      const u = await users.create(user('Alice'), T0);
      expect(await users.findForLogin('aLICE')).toEqual({ ...u, passwordHash: 'hash-of-Alice' });
      expect(await users.findForLogin('alic')).toBeNull();
    });

    it('refuses a username that differs only in case as a unique violation of username (409)', async () => {
      const { users } = repos();
      await users.create(user('bob'), T0);
      const err = await rejection(users.create(user('BOB'), T0));
      expect(constraintViolation(err)).toEqual({ kind: 'unique', columns: ['username'] });
      expect(fromConstraint(err)).toMatchObject({ code: 'BAKEN_ERR_CONFLICT', statusCode: 409 });
      expect(await users.count()).toBe(1);
    });

    it('folds ASCII letters only, as SQLite NOCASE: Émile and émile are two users', async () => {
      const { users } = repos();
      await users.create(user('Émile'), T0);
      await users.create(user('émile'), T0);
      expect((await users.findForLogin('ÉMILE'))?.username).toBe('Émile');
      expect((await users.findForLogin('éMILE'))?.username).toBe('émile');
      expect((await users.list()).map((u) => u.username)).toEqual(['Émile', 'émile']);
    });

    it('lists users ordered by username, ignoring ASCII case', async () => {
      const { users } = repos();
      for (const n of ['carol', 'Bob', 'alice', 'Zed', 'dave']) await users.create(user(n), T0);
      expect((await users.list()).map((u) => u.username)).toEqual(['alice', 'Bob', 'carol', 'dave', 'Zed']);
    });

    it('updates only the given fields, sets updatedAt, and clears nullable ones with null', async () => {
      const { users } = repos();
      const u = await users.create(user('erin', { validUntil: T0 + 1000 }), T0);
      const v = await users.update(u.id, { disabled: true, role: 'admin', validUntil: null }, T0 + 7);
      expect(v).toEqual({ ...u, disabled: true, role: 'admin', validUntil: null, updatedAt: T0 + 7 });
      const w = await users.update(u.id, { disabled: false, passwordHash: 'new' }, T0 + 8);
      expect(w?.disabled).toBe(false);
      expect((await users.findForLogin('erin'))?.passwordHash).toBe('new');
      expect(await users.update('nobody', { displayName: 'x' }, T0)).toBeNull();
    });

    it('refuses an unknown role and a client that does not exist', async () => {
      const { users } = repos();
      const bad = await rejection(users.create(user('f', { role: 'king' as never }), T0));
      expect(constraintViolation(bad)?.kind).toBe('check');
      expect(fromConstraint(bad)?.code).toBe('BAKEN_ERR_VALIDATION');
      const dangling = await rejection(users.create(user('g', { clientId: 'no-such-client' }), T0));
      expect(constraintViolation(dangling)?.kind).toBe('foreign_key');
      expect(fromConstraint(dangling)?.statusCode).toBe(409);
    });

    it('deletes a user with their sessions and says whether anything was deleted', async () => {
      const { users, sessions } = repos();
      const u = await users.create(user('frank'), T0);
      await sessions.create({ idHash: 'h1', userId: u.id, createdAt: T0, expiresAt: T0 + 1000 });
      expect(await users.delete(u.id)).toBe(true);
      expect(await users.delete(u.id)).toBe(false);
      expect(await sessions.findValid('h1', T0)).toBeNull();
      expect(await users.count()).toBe(0);
    });
  });
}
