import { describe, expect, it } from 'vitest';
import { type MakeAccessStores, release, T0, useAccessStores } from './access-fixture.js';

/**
 * The contract of {@link ReleaseStore} on every binding: what a release reads back as, and the
 * steps two requests at once must never both win — a PIN slot, a window code's window and slot,
 * the first opening.
 */
export function releaseStoreContract(name: string, make: MakeAccessStores): void {
  describe(`ReleaseStore (${name})`, () => {
    const s = useAccessStores(make);

    it('reads a release back field for field; outstanding ones exclude used, revoked and ended', async () => {
      const { releases } = s().stores;
      const a = release({ alarmId: 'al-1', situation: 'alarm', alarmRaisedAt: T0 - 5 });
      await releases.insert(a);
      expect(await releases.get(a.id)).toEqual(a);
      expect(await releases.get('nope')).toBeNull();
      const used = release({ slot: 2 });
      const revoked = release({ slot: 3 });
      const ended = release({ slot: 4, validUntil: T0 + 1 });
      for (const r of [used, revoked, ended]) await releases.insert(r);
      expect(await releases.markOpened(used.id, T0 + 10)).toBe(true);
      await releases.markRevoked([revoked.id], T0 + 10);
      const out = await releases.outstanding({ deviceId: 'ks-1' }, T0 + 2);
      expect(out.map((r) => r.id)).toEqual([a.id]);
      expect(await releases.usedPinSlots('ks-1', T0 + 2)).toEqual(new Set([1]));
      expect(await releases.outstanding({ userId: 'other' }, T0)).toEqual([]);
      expect((await releases.outstanding({ teamId: 'team-noord' }, T0)).map((r) => r.id)).toEqual([
        a.id,
        ended.id,
      ]);
    });

    it('the first opening is kept: a second mark (the audit read-back of the same use) changes nothing', async () => {
      const { releases } = s().stores;
      const r = release();
      await releases.insert(r);
      const marks = await Promise.all([releases.markOpened(r.id, T0 + 1), releases.markOpened(r.id, T0 + 2)]);
      expect(marks.filter(Boolean)).toHaveLength(1);
      expect([T0 + 1, T0 + 2]).toContain((await releases.get(r.id))?.openedAt);
      expect(await releases.markOpened(r.id, T0 + 3)).toBe(false);
    });

    it('a PIN slot is given to one of two requests at once, and stays taken while its release is outstanding', async () => {
      const { releases } = s().stores;
      const a = release({ slot: 7 });
      const b = release({ slot: 7, userId: 'user-2' });
      const won = await Promise.all([
        releases.insertIfPinSlotFree(a, T0),
        releases.insertIfPinSlotFree(b, T0),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await releases.outstanding({ deviceId: 'ks-1' }, T0)).map((r) => r.slot)).toEqual([7]);
      // another key safe's slot 7 is its own
      expect(await releases.insertIfPinSlotFree(release({ slot: 7, deviceId: 'ks-2' }), T0)).toBe(true);
      // once the holder used it, the slot is free again
      const holder = won[0] ? a : b;
      await releases.markOpened(holder.id, T0 + 1);
      expect(await releases.insertIfPinSlotFree(release({ slot: 7 }), T0 + 2)).toBe(true);
    });

    it('a PIN slot with an unanswered REVOKE of a voided release is not free', async () => {
      const { releases, commands } = s().stores;
      await commands.insert({
        id: 'ks-void',
        deviceId: 'ks-1',
        kind: 'revoke',
        params: { kind: 'revoke', slot: 9, holderId: 1 },
        purpose: 'void_release',
        releaseId: null,
        createdAt: T0,
      });
      expect(await releases.insertIfPinSlotFree(release({ slot: 9 }), T0)).toBe(false);
      expect(await releases.insertIfPinSlotFree(release({ slot: 10 }), T0)).toBe(true);
      await commands.setResult('ks-void', 'ok', T0 + 1, 'ok', ['pending']);
      expect(await releases.insertIfPinSlotFree(release({ slot: 9 }), T0 + 2)).toBe(true);
    });

    it('a window code (window and slot) is handed out once, even to many requests at once', async () => {
      const { releases } = s().stores;
      const w = { mode: 'offline_window' as const, slot: 2, validFrom: T0, validUntil: T0 + 1_800_000 };
      const all = Array.from({ length: 6 }, (_, i) => release({ ...w, userId: `u-${i}` }));
      const won = await Promise.all(all.map((r) => releases.insertIfWindowSlotFree(r)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = all[won.indexOf(true)]!;
      expect(await releases.byWindow('ks-1', { validFrom: T0, validUntil: T0 + 1_800_000, slot: 2 })).toEqual(
        winner,
      );
      expect(await releases.usedWindowSlots('ks-1', T0, T0 + 1_800_000)).toEqual(new Set([2]));
      // the same slot of another window, or of another key safe, is another code
      expect(await releases.insertIfWindowSlotFree(release({ ...w, validUntil: T0 + 900_000 }))).toBe(true);
      expect(await releases.insertIfWindowSlotFree(release({ ...w, deviceId: 'ks-2' }))).toBe(true);
    });

    it('lists newest first with filters and a limit; deletes; purges what ended before the cutoff', async () => {
      const { releases } = s().stores;
      const old = release({ issuedAt: T0 - 10_000, validUntil: T0 - 5_000, homeId: 'home-2' });
      const mid = release({ issuedAt: T0 });
      const tie = release({ issuedAt: T0 });
      const late = release({ issuedAt: T0 + 10 });
      for (const r of [old, mid, tie, late]) await releases.insert(r);
      expect((await releases.list({ limit: 10 })).map((r) => r.id)).toEqual([
        late.id,
        tie.id,
        mid.id,
        old.id,
      ]);
      expect((await releases.list({ homeId: 'home-2', limit: 10 })).map((r) => r.id)).toEqual([old.id]);
      expect((await releases.list({ since: T0, until: T0 + 10, limit: 1 })).map((r) => r.id)).toEqual([
        tie.id,
      ]);
      await releases.delete(mid.id);
      expect(await releases.get(mid.id)).toBeNull();
      expect(await releases.purgeEndedBefore(T0)).toBe(1);
      expect(await releases.get(old.id)).toBeNull();
    });

    it('per alarm and team: the raise, the first release and the first opening', async () => {
      const { releases } = s().stores;
      const base = { situation: 'alarm' as const, alarmId: 'al-1', alarmRaisedAt: T0 };
      await releases.insert(release({ ...base, issuedAt: T0 + 60_000, openedAt: T0 + 600_000 }));
      await releases.insert(release({ ...base, issuedAt: T0 + 30_000 }));
      await releases.insert(release({ ...base, teamId: null, issuedAt: T0 + 90_000 }));
      await releases.insert(release({ ...base, alarmId: 'al-0', alarmRaisedAt: T0 - 1 }));
      expect(await releases.alarmResponseRows(T0, T0 + 1)).toEqual([
        { alarmId: 'al-1', teamId: '', raised: T0, released: T0 + 90_000, opened: null },
        { alarmId: 'al-1', teamId: 'team-noord', raised: T0, released: T0 + 30_000, opened: T0 + 600_000 },
      ]);
    });
  });
}
