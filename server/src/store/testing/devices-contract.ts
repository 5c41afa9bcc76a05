import { describe, expect, it } from 'vitest';
import { fromConstraint } from '../../http/constraint-errors.js';
import { someHome } from './gateways-contract.js';
import { type MakeRepositories, rejection, T0, useRepositories } from './repositories-fixture.js';

const by = { userId: null, note: 'import' };

/** The `DevicesRepository` contract (store/repositories/devices.ts): installed base and history. */
export function devicesContract(name: string, make: MakeRepositories): void {
  describe(`DevicesRepository contract: ${name}`, () => {
    const repos = useRepositories(make);

    it('creates a device with its first history row; finds it by id and serial', async () => {
      const { devices } = repos();
      const d = await devices.create({ serial: 'P-001', type: 'pendant', status: 'in_stock' }, by, T0);
      expect(d).toEqual({
        id: expect.any(String),
        serial: 'P-001',
        type: 'pendant',
        model: '',
        firmware: '',
        homeId: null,
        gatewayId: null,
        installDate: null,
        status: 'in_stock',
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await devices.get(d.id)).toEqual(d);
      expect(await devices.getBySerial('P-001')).toEqual(d);
      expect(await devices.getBySerial('p-001')).toBeNull();
      expect(await devices.history(d.id)).toEqual([
        { fromStatus: null, toStatus: 'in_stock', at: T0, byUserId: null, note: 'import' },
      ]);
    });

    it('refuses a duplicate serial as a 409 on serial, and leaves no history behind', async () => {
      const { devices } = repos();
      await devices.create({ serial: 'K-1', type: 'keysafe', status: 'in_stock' }, by, T0);
      const err = await rejection(
        devices.create({ serial: 'K-1', type: 'pendant', status: 'faulty' }, by, T0),
      );
      expect(fromConstraint(err)).toMatchObject({
        code: 'BAKEN_ERR_CONFLICT',
        details: [{ field: 'serial' }],
      });
      expect(await devices.all()).toHaveLength(1);
    });

    it('patches fields and changes status with history; unchanged status is a no-op', async () => {
      const r = repos();
      const home = await someHome(r);
      const d = await r.devices.create({ serial: 'P-2', type: 'pendant', status: 'in_stock' }, by, T0);
      const u = await r.devices.update(
        d.id,
        { homeId: home, installDate: '2026-12-01', model: 'X1' },
        T0 + 1,
      );
      expect(u).toMatchObject({ homeId: home, installDate: '2026-12-01', model: 'X1', updatedAt: T0 + 1 });
      const s = await r.devices.setStatus(d.id, 'installed', { userId: null, note: null }, T0 + 2);
      expect(s).toMatchObject({ status: 'installed', updatedAt: T0 + 2 });
      expect((await r.devices.setStatus(d.id, 'installed', by, T0 + 3))?.updatedAt).toBe(T0 + 2);
      expect((await r.devices.history(d.id)).map((h) => [h.fromStatus, h.toStatus, h.at])).toEqual([
        [null, 'in_stock', T0],
        ['in_stock', 'installed', T0 + 2],
      ]);
      expect(await r.devices.update('nobody', { model: 'x' }, T0)).toBeNull();
      expect(await r.devices.setStatus('nobody', 'faulty', by, T0)).toBeNull();
    });

    it('lists by serial with filters and paging', async () => {
      const { devices } = repos();
      await devices.create({ serial: 'b2', type: 'pendant', status: 'faulty' }, by, T0);
      await devices.create({ serial: 'B1', type: 'keysafe', status: 'in_stock' }, by, T0);
      await devices.create({ serial: 'a3', type: 'pendant', status: 'in_stock' }, by, T0);
      const serials = async (f: Parameters<typeof devices.list>[0]) =>
        (await devices.list(f)).map((d) => d.serial);
      expect(await serials({ limit: 10, offset: 0 })).toEqual(['B1', 'a3', 'b2']);
      expect(await serials({ type: 'pendant', limit: 10, offset: 0 })).toEqual(['a3', 'b2']);
      expect(await serials({ status: 'in_stock', type: 'pendant', limit: 10, offset: 0 })).toEqual(['a3']);
      expect(await serials({ limit: 1, offset: 1 })).toEqual(['a3']);
      expect((await devices.all()).map((d) => d.serial)).toEqual(['B1', 'a3', 'b2']);
    });

    it('upserts many by serial in one transaction: counts, history, all or nothing', async () => {
      const { devices } = repos();
      const k = await devices.create({ serial: 'K-1', type: 'keysafe', status: 'in_stock' }, by, T0);
      const counts = await devices.upsertMany(
        [
          { serial: 'K-1', type: 'keysafe', status: 'installed', firmware: '1.2' },
          { serial: 'P-9', type: 'pendant', status: 'in_stock' },
          { serial: 'P-9', type: 'pendant', status: 'in_stock' },
        ],
        by,
        T0 + 5,
      );
      expect(counts).toEqual({ created: 1, updated: 1, unchanged: 1 });
      expect(await devices.get(k.id)).toMatchObject({
        status: 'installed',
        firmware: '1.2',
        updatedAt: T0 + 5,
      });
      expect((await devices.history(k.id)).map((h) => h.toStatus)).toEqual(['in_stock', 'installed']);
      // a bad row (unknown status) rolls back the rows before it
      const err = await rejection(
        devices.upsertMany(
          [
            { serial: 'P-10', type: 'pendant', status: 'in_stock' },
            { serial: 'P-11', type: 'pendant', status: 'lost' as never },
          ],
          by,
          T0 + 6,
        ),
      );
      expect(fromConstraint(err)?.code).toBe('BAKEN_ERR_VALIDATION');
      expect(await devices.getBySerial('P-10')).toBeNull();
    });
  });
}
