import { describe, expect, it } from 'vitest';
import { fromConstraint } from '../../http/constraint-errors.js';
import type { Repositories } from '../repositories/index.js';
import { type MakeRepositories, rejection, T0, useRepositories } from './repositories-fixture.js';

async function someUser(repos: Repositories, username = 'u1'): Promise<string> {
  const u = await repos.users.create(
    { username, displayName: username, role: 'monitor', passwordHash: 'h' },
    T0,
  );
  return u.id;
}

/** The `SessionsRepository` and `ApiTokensRepository` contracts (store/repositories/credentials.ts). */
export function credentialsContract(name: string, make: MakeRepositories): void {
  describe(`SessionsRepository contract: ${name}`, () => {
    const repos = useRepositories(make);

    it('finds a session only before its expiry; purges expired ones and counts them', async () => {
      const r = repos();
      const userId = await someUser(r);
      await r.sessions.create({ idHash: 's1', userId, createdAt: T0, expiresAt: T0 + 100 });
      await r.sessions.create({ idHash: 's2', userId, createdAt: T0, expiresAt: T0 + 200 });
      expect(await r.sessions.findValid('s1', T0 + 99)).toEqual({
        idHash: 's1',
        userId,
        createdAt: T0,
        expiresAt: T0 + 100,
      });
      expect(await r.sessions.findValid('s1', T0 + 100)).toBeNull();
      expect(await r.sessions.purgeExpired(T0 + 100)).toBe(1);
      expect(await r.sessions.purgeExpired(T0 + 100)).toBe(0);
      expect(await r.sessions.findValid('s2', T0 + 150)).not.toBeNull();
    });

    it('deletes one session, or all of a user', async () => {
      const r = repos();
      const a = await someUser(r, 'a');
      const b = await someUser(r, 'b');
      for (const [h, u] of [
        ['a1', a],
        ['a2', a],
        ['b1', b],
      ] as const)
        await r.sessions.create({ idHash: h, userId: u, createdAt: T0, expiresAt: T0 + 1000 });
      await r.sessions.delete('a1');
      expect(await r.sessions.findValid('a1', T0)).toBeNull();
      expect(await r.sessions.findValid('a2', T0)).not.toBeNull();
      await r.sessions.deleteForUser(a);
      expect(await r.sessions.findValid('a2', T0)).toBeNull();
      expect(await r.sessions.findValid('b1', T0)).not.toBeNull();
    });

    it('refuses a session of a user that does not exist', async () => {
      const err = await rejection(
        repos().sessions.create({ idHash: 'x', userId: 'nobody', createdAt: T0, expiresAt: T0 + 1 }),
      );
      expect(fromConstraint(err)?.code).toBe('BAKEN_ERR_CONFLICT');
    });
  });

  describe(`ApiTokensRepository contract: ${name}`, () => {
    const repos = useRepositories(make);
    const token = (id: string, userId: string, extra: { expiresAt?: number | null; at?: number } = {}) => ({
      id,
      userId,
      name: `token ${id}`,
      tokenHash: `hash-${id}`,
      createdAt: extra.at ?? T0,
      expiresAt: extra.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    });

    it('uses a valid token and marks it used; not an expired, revoked or unknown one', async () => {
      const r = repos();
      const u = await someUser(r);
      await r.apiTokens.create(token('t1', u));
      await r.apiTokens.create(token('t2', u, { expiresAt: T0 + 10, at: T0 + 1 }));
      expect(await r.apiTokens.useValid('hash-t1', T0 + 5)).toEqual({
        id: 't1',
        userId: u,
        name: 'token t1',
        createdAt: T0,
        expiresAt: null,
        lastUsedAt: T0 + 5,
        revokedAt: null,
      });
      expect((await r.apiTokens.useValid('hash-t2', T0 + 9))?.lastUsedAt).toBe(T0 + 9);
      expect(await r.apiTokens.useValid('hash-t2', T0 + 10)).toBeNull();
      expect(await r.apiTokens.useValid('nope', T0)).toBeNull();
      expect(await r.apiTokens.revoke('t1', u, T0 + 20)).toBe(true);
      expect(await r.apiTokens.revoke('t1', u, T0 + 21)).toBe(false);
      expect(await r.apiTokens.useValid('hash-t1', T0 + 22)).toBeNull();
      const listed = await r.apiTokens.listForUser(u);
      expect(listed.map((t) => [t.id, t.lastUsedAt, t.revokedAt])).toEqual([
        ['t1', T0 + 5, T0 + 20],
        ['t2', T0 + 9, null],
      ]);
    });

    it("revokes only the owner's token", async () => {
      const r = repos();
      const a = await someUser(r, 'a');
      const b = await someUser(r, 'b');
      await r.apiTokens.create(token('t1', a));
      expect(await r.apiTokens.revoke('t1', b, T0)).toBe(false);
      expect(await r.apiTokens.listForUser(b)).toEqual([]);
      expect(await r.apiTokens.useValid('hash-t1', T0)).not.toBeNull();
    });

    it('refuses a second token with the same hash (409 on token_hash)', async () => {
      const r = repos();
      const u = await someUser(r);
      await r.apiTokens.create(token('t1', u));
      const err = await rejection(r.apiTokens.create({ ...token('t2', u), tokenHash: 'hash-t1' }));
      expect(fromConstraint(err)).toMatchObject({
        code: 'BAKEN_ERR_CONFLICT',
        details: [{ field: 'token_hash' }],
      });
    });
  });
}
