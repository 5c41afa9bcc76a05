import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { Release, Rollout } from '../types.js';
import type { UpdateStore } from '../update-store.js';

const T0 = 1_765_432_100_123;
const release = (version: string, at = T0): Release => ({
  version,
  arch: 'all',
  sha256: 'ab'.repeat(32),
  size: 9,
  keyId: 'k1',
  notes: 'n',
  uploadedAt: at,
  uploadedBy: 'user:a',
});
const rollout = (id: string, version: string, at = T0): Rollout => ({
  id,
  version,
  target: { homes: ['h1'] },
  waves: [50, 100],
  wave: 0,
  state: 'running',
  pauseReason: null,
  maxFailurePct: 20,
  waveStartedAt: at,
  createdAt: at,
  createdBy: 'user:a',
  updatedAt: at,
});
const units = [
  { gatewayId: 'gw-b', homeId: 'h1', wave: 1 },
  { gatewayId: 'gw-a', homeId: null, wave: 0 },
];

/** The {@link UpdateStore} contract, run on SQLite and PostgreSQL (`../update-store.contract.test.ts`). */
export function updateStoreContract(name: string, make: MakeStore<UpdateStore>): void {
  describe(`UpdateStore contract: ${name}`, () => {
    const store = useStore(make);

    it('keeps a release with its package bytes and signature; refuses a second of the same version', async () => {
      const s = store();
      const pkg = Buffer.from([0, 1, 2, 255]);
      await s.insertRelease(release('1.0.0'), '{"keyId":"k1"}', pkg);
      await s.insertRelease(release('0.9.0', T0 + 1), '{}', Buffer.from('x'));
      expect(await s.release('1.0.0')).toEqual(release('1.0.0'));
      expect(await s.release('2.0.0')).toBeNull();
      expect((await s.releases()).map((r) => r.version)).toEqual(['1.0.0', '0.9.0']);
      expect(await s.releasePackage('1.0.0')).toEqual(pkg);
      expect(await s.releaseSignature('1.0.0')).toBe('{"keyId":"k1"}');
      expect(await s.releasePackage('2.0.0')).toBeNull();
      await expect(s.insertRelease(release('1.0.0'), '{}', pkg)).rejects.toBeTruthy();
    });

    it('creates a rollout with pending units in wave order; refuses a second active one of a version', async () => {
      const s = store();
      await s.insertRelease(release('1.0.0'), '{}', Buffer.from('p'));
      await s.insertRollout(rollout('ro-1', '1.0.0'), units);
      expect(await s.rollout('ro-1')).toEqual(rollout('ro-1', '1.0.0'));
      expect((await s.units('ro-1')).map((u) => [u.gatewayId, u.wave, u.state])).toEqual([
        ['gw-a', 0, 'pending'],
        ['gw-b', 1, 'pending'],
      ]);
      await expect(s.insertRollout(rollout('ro-2', '1.0.0'), [])).rejects.toBeTruthy();
      expect(await s.rollout('ro-2')).toBeNull();
      await s.setRollout('ro-1', { state: 'aborted' }, T0 + 5);
      await s.insertRollout(rollout('ro-2', '1.0.0', T0 + 6), []);
      expect((await s.rollouts()).map((r) => r.id)).toEqual(['ro-2', 'ro-1']);
      expect((await s.rollouts(['running'])).map((r) => r.id)).toEqual(['ro-2']);
    });

    it('patches a rollout: absent fields keep, a null pause reason clears', async () => {
      const s = store();
      await s.insertRelease(release('1.0.0'), '{}', Buffer.from('p'));
      await s.insertRollout(rollout('ro-1', '1.0.0'), units);
      await s.setRollout('ro-1', { state: 'paused', pauseReason: 'why' }, T0 + 1);
      expect(await s.rollout('ro-1')).toMatchObject({ state: 'paused', pauseReason: 'why', wave: 0 });
      await s.setRollout('ro-1', { wave: 1, waveStartedAt: T0 + 2 }, T0 + 2);
      expect(await s.rollout('ro-1')).toMatchObject({
        state: 'paused',
        pauseReason: 'why',
        wave: 1,
        waveStartedAt: T0 + 2,
      });
      await s.setRollout('ro-1', { state: 'running', pauseReason: null }, T0 + 3);
      expect(await s.rollout('ro-1')).toMatchObject({
        state: 'running',
        pauseReason: null,
        updatedAt: T0 + 3,
      });
      await s.acceptFailures('ro-1', 2);
      expect(await s.acceptedFailures('ro-1')).toBe(2);
      expect(await s.acceptedFailures('nope')).toBe(0);
    });

    it('patches units, finds one by its offer transaction, counts by state', async () => {
      const s = store();
      await s.insertRelease(release('1.0.0'), '{}', Buffer.from('p'));
      await s.insertRollout(rollout('ro-1', '1.0.0'), units);
      await s.setUnit(
        'ro-1',
        'gw-a',
        { state: 'offered', transactionId: 'upd-1', offeredAt: T0 + 1 },
        T0 + 1,
      );
      await s.setUnit('ro-1', 'gw-a', { state: 'installing', reason: null }, T0 + 2);
      expect(await s.unitByTransaction('upd-1')).toMatchObject({
        gatewayId: 'gw-a',
        state: 'installing',
        transactionId: 'upd-1',
        offeredAt: T0 + 1,
        updatedAt: T0 + 2,
        homeId: null,
      });
      await s.setUnit('ro-1', 'gw-a', { state: 'failed', reason: 'r', runningVersion: '0.9.0' }, T0 + 3);
      expect(await s.unit('ro-1', 'gw-a')).toMatchObject({
        state: 'failed',
        reason: 'r',
        runningVersion: '0.9.0',
      });
      expect(await s.unit('ro-1', 'gw-x')).toBeNull();
      expect(await s.counts('ro-1')).toEqual({
        pending: 1,
        offered: 0,
        installing: 0,
        healthy: 0,
        rolled_back: 0,
        failed: 1,
        refused: 0,
      });
    });

    it('a rolled-back transaction leaves nothing; the locked rollout is read inside it', async () => {
      const s = store();
      await s.insertRelease(release('1.0.0'), '{}', Buffer.from('p'));
      await expect(
        s.transaction(async (tx) => {
          await tx.insertRollout(rollout('ro-1', '1.0.0'), units);
          expect(await tx.lockRollout('ro-1')).toMatchObject({ id: 'ro-1' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await s.rollout('ro-1')).toBeNull();
      expect(await s.units('ro-1')).toEqual([]);
    });

    it('changes under the rollout lock do not interleave: two read-then-write steps at once both count', async () => {
      const s = store();
      await s.insertRelease(release('1.0.0'), '{}', Buffer.from('p'));
      await s.insertRollout(rollout('ro-1', '1.0.0'), units);
      const bump = () =>
        s.transaction(async (tx) => {
          await tx.lockRollout('ro-1');
          const n = await tx.acceptedFailures('ro-1');
          await tx.acceptFailures('ro-1', n + 1);
        });
      await Promise.all(Array.from({ length: 8 }, bump));
      expect(await s.acceptedFailures('ro-1')).toBe(8);
    });
  });
}
