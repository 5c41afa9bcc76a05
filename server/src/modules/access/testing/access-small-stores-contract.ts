import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_SETTINGS } from '../settings.js';
import { type MakeAccessStores, release, T0, useAccessStores } from './access-fixture.js';

/**
 * The contract of the access module's smaller stores on every binding (home units, blocks, seen
 * events, settings, alerts) and of the bundle's `transaction`: a rollback leaves nothing.
 */
export function accessSmallStoresContract(name: string, make: MakeAccessStores): void {
  describe(`access stores (${name})`, () => {
    const s = useAccessStores(make);

    it('home units: online state read back as a boolean; the newest unrevoked unit of a home', async () => {
      const { stores, repos } = s();
      expect(await stores.gateways.isOnline('gw-1')).toBe(false);
      await stores.gateways.setOnline('gw-1', true, T0);
      expect(await stores.gateways.isOnline('gw-1')).toBe(true);
      await stores.gateways.setOnline('gw-1', false, T0 + 1);
      expect(await stores.gateways.isOnline('gw-1')).toBe(false);
      const c = await repos.clients.createClient({ name: 'C' }, T0);
      const h = await repos.clients.createHome({ clientId: c.id, address: 'A 1' }, T0);
      expect(await stores.gateways.latestOfHome(h.id)).toBeNull();
      const gw = { homeId: h.id, serial: 's', revokedAt: null, mqttPasswordHash: 'x' };
      await repos.gateways.create({ ...gw, id: 'gw-a', createdAt: T0 });
      await repos.gateways.create({ ...gw, id: 'gw-b', createdAt: T0 + 1 });
      await repos.gateways.create({ ...gw, id: 'gw-c', createdAt: T0 + 2, revokedAt: T0 + 3 });
      expect(await stores.gateways.latestOfHome(h.id)).toBe('gw-b');
    });

    it("home units: a turn's states in one call, each unit's last one kept", async () => {
      const { stores } = s();
      await stores.gateways.setOnline('gw-2', true, T0);
      await stores.gateways.setOnlineAll([
        { gatewayId: 'gw-3', online: true, at: T0 + 1 },
        { gatewayId: 'gw-1', online: false, at: T0 + 1 },
        { gatewayId: 'gw-1', online: true, at: T0 + 2 },
        { gatewayId: 'gw-2', online: false, at: T0 + 2 },
      ]);
      expect(await stores.gateways.isOnline('gw-1')).toBe(true);
      expect(await stores.gateways.isOnline('gw-2')).toBe(false);
      expect(await stores.gateways.isOnline('gw-3')).toBe(true);
      await stores.gateways.setOnlineAll([]);
    });

    it('blocks: active until lifted (once), newest first', async () => {
      const { blocks } = s().stores;
      const b = { scope: 'person' as const, target: 'u-1', reason: 'lost phone', createdBy: 'admin' };
      await blocks.insert({ ...b, id: 'b-1', createdAt: T0 });
      await blocks.insert({ ...b, id: 'b-2', scope: 'team', target: 'team-noord', createdAt: T0 + 1 });
      expect(await blocks.isActive('person', 'u-1')).toBe(true);
      expect(await blocks.isActive('team', 'u-1')).toBe(false);
      await blocks.lift('b-1', T0 + 5, 'admin2');
      await blocks.lift('b-1', T0 + 9, 'admin3');
      expect(await blocks.isActive('person', 'u-1')).toBe(false);
      expect(await blocks.get('b-1')).toEqual({
        ...b,
        id: 'b-1',
        createdAt: T0,
        liftedAt: T0 + 5,
        liftedBy: 'admin2',
      });
      expect((await blocks.list(false)).map((x) => x.id)).toEqual(['b-2', 'b-1']);
      expect((await blocks.list(true)).map((x) => x.id)).toEqual(['b-2']);
      expect(await blocks.get('nope')).toBeNull();
    });

    it('seen events: an id is new once, even seen twice at once; purged by age', async () => {
      const { seenEvents } = s().stores;
      const first = await Promise.all([seenEvents.markSeen('ev-1', T0), seenEvents.markSeen('ev-1', T0)]);
      expect(first.filter(Boolean)).toHaveLength(1);
      await seenEvents.markSeen('ev-2', T0 + 10);
      expect(await seenEvents.purgeBefore(T0 + 1)).toBe(1);
      expect(await seenEvents.markSeen('ev-2', T0 + 11)).toBe(false);
    });

    it('settings: the defaults until saved, then what was saved', async () => {
      const { settings } = s().stores;
      expect(await settings.load()).toEqual(DEFAULT_ACCESS_SETTINGS);
      const next = { ...DEFAULT_ACCESS_SETTINGS, codeValidityMinutes: 20, timeZone: 'Europe/Brussels' };
      await settings.save(next);
      await settings.save({ ...next, retentionDays: 400 });
      expect(await settings.load()).toEqual({ ...next, retentionDays: 400 });
    });

    it('alerts: one per id, newest first, acknowledged once, purged only when acknowledged; openings at a home', async () => {
      const { stores, repos } = s();
      const { alerts } = stores;
      const a = { kind: 'door_forced' as const, subject: 'keysafe:ks-1', message: 'forced' };
      expect(await alerts.insert({ ...a, id: 'x-1', at: T0 })).toBe(true);
      expect(await alerts.insert({ ...a, id: 'x-1', at: T0 + 1 })).toBe(false);
      await alerts.insert({ ...a, id: 'x-2', at: T0 + 1, kind: 'tamper' });
      expect((await alerts.list({ limit: 10 })).map((x) => x.id)).toEqual(['x-2', 'x-1']);
      expect(await alerts.acknowledge('x-1', 'mon', T0 + 2)).toBe(true);
      expect(await alerts.acknowledge('x-1', 'mon2', T0 + 3)).toBe(false);
      expect((await alerts.list({ open: true, limit: 10 })).map((x) => x.id)).toEqual(['x-2']);
      expect((await alerts.list({ limit: 1 }))[0]).toEqual({
        ...a,
        kind: 'tamper',
        id: 'x-2',
        at: T0 + 1,
        acknowledgedAt: null,
        acknowledgedBy: null,
      });
      expect(await alerts.kindOf('x-2')).toBe('tamper');
      expect(await alerts.kindOf('nope')).toBeUndefined();
      expect(await alerts.purgeAcknowledgedBefore(T0 + 10)).toBe(1);
      const c = await repos.clients.createClient({ name: 'C' }, T0);
      const h = await repos.clients.createHome({ clientId: c.id, address: 'A 1' }, T0);
      const d = await repos.devices.create(
        { serial: 'KS-9', type: 'keysafe', status: 'installed', homeId: h.id },
        { userId: null },
        T0,
      );
      await alerts.insert({
        id: 'o-1',
        at: T0,
        kind: 'opening_without_release',
        subject: `keysafe:${d.id}`,
        message: 'm1',
      });
      await alerts.insert({
        id: 'o-2',
        at: T0 + 1,
        kind: 'opening_without_release',
        subject: 'keysafe:other',
        message: 'm2',
      });
      expect(await alerts.openingsWithoutReleaseAtHome(h.id)).toEqual([{ at: T0, message: 'm1' }]);
    });

    it('a transaction commits what its stores wrote together, and a rollback leaves nothing behind', async () => {
      const { stores } = s();
      const r = release();
      const failed = await stores
        .transaction(async (tx) => {
          await tx.releases.insert(r);
          await tx.commands.insert({
            id: 'c-1',
            deviceId: 'ks-1',
            kind: 'revoke',
            params: {},
            purpose: 'revoke',
            releaseId: r.id,
            createdAt: T0,
          });
          await tx.keysafeState.nextOfflineGeneration('ks-1');
          await tx.alerts.insert({ id: 'a-1', at: T0, kind: 'tamper', subject: 's', message: 'm' });
          throw new Error('rolled back');
        })
        .catch((e: Error) => e.message);
      expect(failed).toBe('rolled back');
      expect(await stores.releases.get(r.id)).toBeNull();
      expect(await stores.commands.get('c-1')).toBeNull();
      expect(await stores.keysafeState.get('ks-1')).toBeUndefined();
      expect(await stores.alerts.list({ limit: 10 })).toEqual([]);

      const out = await stores.transaction(async (tx) => {
        await tx.releases.insert(r);
        // a failed nested step rolls back to its savepoint; the outer transaction goes on
        await tx
          .transaction(async (inner) => {
            await inner.alerts.insert({ id: 'a-2', at: T0, kind: 'tamper', subject: 's', message: 'm' });
            throw new Error('inner');
          })
          .catch(() => undefined);
        return tx.keysafeState.nextOfflineGeneration('ks-1');
      });
      expect(out).toBe(1);
      expect(await stores.releases.get(r.id)).toEqual(r);
      expect(await stores.alerts.kindOf('a-2')).toBeUndefined();
      expect(await stores.keysafeState.offlineDeliveredGeneration('ks-1')).toBeNull();
    });

    it('transactions at once run one after another: each sees what the one before committed', async () => {
      const { stores } = s();
      const bump = () =>
        stores.transaction(async (tx) => {
          const g = await tx.keysafeState.nextOfflineGeneration('ks-1');
          await tx.keysafeState.markOfflineDelivered('ks-1', g);
          return g;
        });
      const gens = await Promise.all([bump(), bump(), bump()]);
      expect([...gens].sort()).toEqual([1, 2, 3]);
      expect(await stores.keysafeState.offlineDeliveredGeneration('ks-1')).toBe(3);
    });
  });
}
