import type { EventEnvelope } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../../../store/repositories/index.js';
import type { Storage } from '../../../store/storage.js';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import { eventStoreOn } from '../event-store-on.js';

/** What the contract needs: the deployment's storage over an empty, migrated database, and its repositories. */
export interface EventStoreFixture {
  storage: Storage;
  repos: Repositories;
}

const ev = (id: string, over: Partial<EventEnvelope> = {}): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId: 'gw-1',
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'alarm',
    priority: 'alarm',
    deviceTime: null,
    receivedAt: 1_000,
    seq: 7,
    data: { format: 'baken', authenticated: true },
    ...over,
  }) as EventEnvelope;

/**
 * The event store's contract, run on every binding (store README, "Contract suites"): each event
 * stored once by id — also under two transactions racing with the same id, as two instances given
 * one redelivered message do — nothing kept from a rolled-back transaction, and the same values
 * read back from either database.
 */
export function eventStoreContract(name: string, make: MakeStore<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    const f = useStore(make);
    const seed = async () => {
      const { repos } = f();
      const c = await repos.clients.createClient({ name: 'Client' }, 1);
      const h = await repos.clients.createHome({ clientId: c.id, address: 'Dorpsstraat 1' }, 1);
      const gw = { serial: null, createdAt: 1, mqttPasswordHash: 'x' };
      await repos.gateways.create({ ...gw, id: 'gw-1', homeId: h.id, revokedAt: null });
      await repos.gateways.create({ ...gw, id: 'gw-loose', homeId: null, revokedAt: null });
      await repos.gateways.create({ ...gw, id: 'gw-old', homeId: null, revokedAt: null });
      await repos.gateways.revoke('gw-old', 2);
      return h.id;
    };

    it('knows enrolled gateways with their home, and neither unknown nor revoked ones', async () => {
      const homeId = await seed();
      const got = await eventStoreOn(f().storage.handle).gateways(['gw-1', 'gw-loose', 'gw-old', 'gw-none']);
      expect([...got.entries()].sort()).toEqual([
        ['gw-1', { homeId }],
        ['gw-loose', { homeId: null }],
      ]);
      expect((await eventStoreOn(f().storage.handle).gateways([])).size).toBe(0);
    });

    it('stores each id once: new ones are answered in order, a repeat (stored or in the same call) is not', async () => {
      const homeId = await seed();
      const store = eventStoreOn(f().storage.handle);
      expect([...(await store.insertMany([{ event: ev('e-2'), homeId }], 5))]).toEqual(['e-2']);
      const fresh = await store.insertMany(
        [
          { event: ev('e-3'), homeId },
          { event: ev('e-2'), homeId },
          { event: ev('e-1'), homeId },
          { event: ev('e-3'), homeId },
        ],
        6,
      );
      expect([...fresh]).toEqual(['e-3', 'e-1']);
      expect(await store.insert(ev('e-1'), homeId, 7)).toBe(false);
      expect(await store.insert(ev('e-4'), homeId, 7)).toBe(true);
    });

    it('reads a home timeline back with the same values, newest first, from a time, limited', async () => {
      const homeId = await seed();
      const store = eventStoreOn(f().storage.handle);
      await store.insertMany(
        [
          { event: ev('e-old', { receivedAt: 100 }), homeId },
          { event: ev('e-trial', { receivedAt: 300, trial: true, deviceTime: 290, kind: 'test' }), homeId },
          { event: ev('e-mid', { receivedAt: 200, seq: undefined }), homeId },
          { event: ev('e-elsewhere', { receivedAt: 250 }), homeId: null },
        ],
        400,
      );
      const rows = await store.recentForHome(homeId, 150, 10);
      expect(rows.map((r) => r.id)).toEqual(['e-trial', 'e-mid']);
      expect(rows[0]).toEqual({
        id: 'e-trial',
        gatewayId: 'gw-1',
        homeId,
        deviceId: 'pendant-1',
        deviceKind: 'pendant',
        kind: 'test',
        priority: 'alarm',
        deviceTime: 290,
        receivedAt: 300,
        storedAt: 400,
        seq: 7,
        data: { format: 'baken', authenticated: true },
        trial: true,
      });
      expect(rows[1]).toMatchObject({ seq: null, trial: false, deviceTime: null });
      expect((await store.recentForHome(homeId, 0, 1)).map((r) => r.id)).toEqual(['e-trial']);
    });

    it('stores a check report once', async () => {
      const homeId = await seed();
      const store = eventStoreOn(f().storage.handle);
      const report = {
        v: 1,
        id: 'chk-1',
        gatewayId: 'gw-1',
        at: 50,
        technician: 'Tess',
        passed: true,
        steps: [],
      };
      expect(await store.insertCheckReport(report as never, 'gw-1', homeId, 60)).toBe(true);
      expect(await store.insertCheckReport(report as never, 'gw-1', homeId, 61)).toBe(false);
    });

    it('keeps nothing of a rolled-back transaction', async () => {
      const homeId = await seed();
      const { storage } = f();
      await expect(
        storage.transaction(async (tx) => {
          await eventStoreOn(tx).insertMany([{ event: ev('e-gone'), homeId }], 5);
          throw new Error('a later write failed');
        }),
      ).rejects.toThrow('a later write failed');
      expect(await eventStoreOn(storage.handle).insert(ev('e-gone'), homeId, 6)).toBe(true);
    });

    it('under two transactions storing the same id at once, exactly one stores it', async () => {
      const homeId = await seed();
      const { storage } = f();
      const both = await Promise.all(
        [1, 2].map((n) =>
          storage.transaction(async (tx) => {
            const fresh = await eventStoreOn(tx).insertMany(
              [
                { event: ev('e-same'), homeId },
                { event: ev(`e-own-${n}`), homeId },
              ],
              5,
            );
            return fresh.has('e-same');
          }),
        ),
      );
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(
        (await eventStoreOn(storage.handle).recentForHome(homeId, 0, 10)).map((r) => r.id).sort(),
      ).toEqual(['e-own-1', 'e-own-2', 'e-same']);
    });
  });
}
