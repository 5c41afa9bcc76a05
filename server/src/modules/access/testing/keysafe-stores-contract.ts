import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeysafeKeys } from '../keysafe-keys.js';
import { type MakeAccessStores, T0, useAccessStores } from './access-fixture.js';

const cmd = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  deviceId: 'ks-1',
  kind: 'revoke',
  params: { kind: 'revoke', slot: 3, holderId: 7 },
  purpose: 'revoke',
  releaseId: null,
  createdAt: T0,
  ...over,
});

/**
 * The contract of the key-safe stores on every binding: sealed keys and their counters, per-key-safe
 * state and the command queue — each step a concurrent caller must not share (a counter, a
 * generation, the claim of a command, the one answer a command takes) checked with calls at once.
 */
export function keysafeStoresContract(name: string, make: MakeAccessStores): void {
  describe(`key-safe stores (${name})`, () => {
    const s = useAccessStores(make);

    it('a sealed key is never readable in the clear from the table, and unseals for signing', async () => {
      const { stores, dumpTable } = s();
      const keys = new KeysafeKeys(stores.keys, randomBytes(32));
      const k = new Uint8Array(randomBytes(32));
      await keys.importKey('ks-1', 'KS-SERIAL-1', k, T0);
      const table = await dumpTable('keysafe_keys');
      expect(table).toContain('KS-SERIAL-1');
      for (const clear of [Buffer.from(k).toString('hex'), Buffer.from(k).toString('base64')])
        expect(table.toLowerCase()).not.toContain(clear.toLowerCase());
      expect(await keys.key('ks-1')).toEqual({ key: k, serial: 'KS-SERIAL-1' });
      expect(await keys.has('ks-1')).toBe(true);
      expect(await keys.has('ks-2')).toBe(false);
      expect(await keys.ensure('ks-1', 'KS-SERIAL-1', T0)).toBe(false);
      expect(await keys.ensure('ks-2', 'KS-SERIAL-2', T0)).toBe(true);
    });

    it('command counters: distinct under concurrent signers, strictly increasing, raised never lowered, reset with a new key', async () => {
      const { keys } = s().stores;
      expect(await keys.takeCounter('ks-1')).toBeNull();
      await keys.put('ks-1', { serial: 'S', sealed: 'iv.tag.ct' }, T0);
      const got = await Promise.all(Array.from({ length: 8 }, () => keys.takeCounter('ks-1')));
      expect([...got].sort((a, b) => Number(a! - b!))).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
      await keys.raiseCounter('ks-1', 1_765_432_100_123n);
      expect(await keys.takeCounter('ks-1')).toBe(1_765_432_100_123n);
      await keys.raiseCounter('ks-1', 5n);
      expect(await keys.takeCounter('ks-1')).toBe(1_765_432_100_124n);
      await keys.put('ks-1', { serial: 'S', sealed: 'iv2.tag2.ct2' }, T0 + 1);
      expect(await keys.get('ks-1')).toEqual({ serial: 'S', sealed: 'iv2.tag2.ct2' });
      expect(await keys.takeCounter('ks-1')).toBe(1n);
    });

    it('key-safe state: created once, clock, offline generations distinct under concurrent rotations, delivery never lowered, audit anchor', async () => {
      const st = s().stores.keysafeState;
      expect(await st.get('ks-1')).toBeUndefined();
      await st.ensure('ks-1');
      await st.ensure('ks-1');
      expect(await st.get('ks-1')).toEqual({ clockOffsetMs: null, clockReportedAt: null, auditAnchorSeq: 0 });
      await st.setClock('ks-1', -4_000_000_000, T0);
      expect(await st.clockOffsetMs('ks-1')).toBe(-4_000_000_000);
      expect((await st.get('ks-1'))?.clockReportedAt).toBe(T0);
      const gens = await Promise.all([1, 2, 3, 4].map(() => st.nextOfflineGeneration('ks-2')));
      expect([...gens].sort()).toEqual([1, 2, 3, 4]);
      expect(await st.offlineDeliveredGeneration('ks-2')).toBeNull();
      await st.markOfflineDelivered('ks-2', 3);
      await st.markOfflineDelivered('ks-2', 2);
      expect(await st.offlineDeliveredGeneration('ks-2')).toBe(3);
      expect(await st.auditAnchor('ks-1')).toEqual({ seq: 0, macHex: '00000000000000000000000000000000' });
      await st.setAuditAnchor('ks-1', { seq: 4_294_967_295, macHex: 'ab'.repeat(16) });
      expect(await st.auditAnchor('ks-1')).toEqual({ seq: 4_294_967_295, macHex: 'ab'.repeat(16) });
      expect(await st.auditAnchor('nope')).toBeUndefined();
    });

    it('commands: queued in order, claimed for sending once, answered once (an answer and a void racing: one wins)', async () => {
      const { commands } = s().stores;
      await commands.insert(cmd('c-b', { params: { z: [1, 'x'] } }));
      await commands.insert(cmd('c-a'));
      await commands.insert(cmd('c-c', { createdAt: T0 - 1, deviceId: 'ks-2' }));
      expect((await commands.pending('ks-1')).map((c) => c.id)).toEqual(['c-b', 'c-a']);
      expect((await commands.unfinished()).map((c) => c.id)).toEqual(['c-c', 'c-b', 'c-a']);
      expect(await commands.get('c-b')).toEqual({
        id: 'c-b',
        deviceId: 'ks-1',
        kind: 'revoke',
        purpose: 'revoke',
        releaseId: null,
        createdAt: T0,
        status: 'pending',
        sentAt: null,
        resultAt: null,
        resultReason: null,
        params: { z: [1, 'x'] },
      });
      const claims = await Promise.all([
        commands.markSent('c-a', 11, T0 + 1),
        commands.markSent('c-a', 12, T0 + 1),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await commands.unfinished('ks-1')).map((c) => c.status)).toEqual(['pending', 'sent']);
      const answers = await Promise.all([
        commands.setResult('c-a', 'ok', T0 + 2, 'ok', ['sent']),
        commands.setResult('c-a', 'dropped', T0 + 2, 'void: timeout', ['sent', 'pending']),
      ]);
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await commands.setResult('c-a', 'ok', T0 + 3, 'late', ['sent'])).toBe(false);
      expect(['ok', 'dropped']).toContain((await commands.get('c-a'))?.status);
      expect(await commands.markPending('c-b')).toBe(false);
      expect(await commands.markSent('c-b', 13, T0)).toBe(true);
      expect(await commands.markPending('c-b')).toBe(true);
      expect((await commands.get('c-b'))?.status).toBe('pending');
    });

    it('commands: the SET_CODE of an issue, the latest of a release, time syncs, superseded offline keys, purge', async () => {
      const { commands } = s().stores;
      await commands.insert(cmd('s-1', { kind: 'set_code', purpose: 'release', releaseId: 'r-1' }));
      await commands.markSent('s-1', 1_765_432_100_123, T0);
      expect(await commands.setCodeOfIssue('ks-1', 1_765_432_100_123n)).toEqual({
        releaseId: 'r-1',
        purpose: 'release',
      });
      expect(await commands.setCodeOfIssue('ks-2', 1_765_432_100_123n)).toBeNull();
      expect(await commands.setCodeOfIssue('ks-1', 2n ** 60n)).toBeNull();
      await commands.insert(cmd('s-2', { purpose: 'revoke', releaseId: 'r-1', createdAt: T0 + 5 }));
      expect(await commands.latestForRelease('r-1')).toEqual({ status: 'pending', resultReason: null });
      await commands.setResult('s-2', 'refused', T0 + 6, '0x3', ['pending']);
      expect(await commands.latestForRelease('r-1')).toEqual({ status: 'refused', resultReason: '0x3' });
      expect(await commands.latestForRelease('r-9')).toBeUndefined();
      expect(await commands.hasUnfinishedTimeSync('ks-1')).toBe(false);
      await commands.insert(cmd('t-1', { kind: 'time_sync', purpose: 'time_sync' }));
      expect(await commands.hasUnfinishedTimeSync('ks-1')).toBe(true);
      await commands.insert(cmd('o-1', { kind: 'set_code', purpose: 'offline_key' }));
      await commands.insert(cmd('o-2', { kind: 'set_code', purpose: 'rotate_offline_key' }));
      await commands.dropPendingOfflineKeys('ks-1');
      expect((await commands.get('o-1'))?.status).toBe('dropped');
      expect((await commands.get('o-2'))?.status).toBe('dropped');
      // finished ones before the cutoff go; unfinished ones stay whatever their age
      expect(await commands.purgeFinishedBefore(T0 + 1)).toBe(2);
      expect(await commands.get('t-1')).not.toBeNull();
      expect(await commands.get('s-2')).not.toBeNull();
    });
  });
}
