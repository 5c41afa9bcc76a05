import { type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { useStore } from '../../../store/testing/store-fixture.js';
import { type MakeHealth, POLICY, seedHome, storesIn, T0 } from './health-fixture.js';

const hb = (gatewayId: string, extra: Partial<HeartbeatPayload> = {}): HeartbeatPayload => ({
  ...MQTT_EXAMPLE_PAYLOADS.heartbeat,
  gatewayId,
  sentAt: T0,
  intervalS: 30,
  ...extra,
});
const report = (deviceId: string, link: string, lastSeenAt: number | null) => ({
  deviceId,
  kind: 'pendant',
  link,
  lastSeenAt,
  rssi: -60,
  battery: 80,
  firmware: null,
});
const HOUR = 3600_000;

/** The state store's contract (`StateStore`), run on SQLite and PostgreSQL. */
export function stateStoreContract(name: string, make: MakeHealth): void {
  describe(`health StateStore contract: ${name}`, () => {
    const fx = useStore(make);

    it('lists enrolled gateways with their state and home, by id; a gateway never heard has no state', async () => {
      const { stores, repos } = fx();
      const home = await seedHome(repos, ['gw-b', 'gw-a', 'gw-Z'], 'Noord');
      await stores.states.recordHeartbeat('gw-a', hb('gw-a', { mains: 'on', unitBattery: 90 }), T0);
      const all = await stores.states.gateways();
      expect(all.map((g) => g.gatewayId)).toEqual(['gw-Z', 'gw-a', 'gw-b']);
      expect(await stores.states.gateway('gw-a')).toMatchObject({
        gatewayId: 'gw-a',
        homeId: home,
        region: 'Noord',
        lastSeenAt: T0,
        intervalS: 30,
        availability: null,
        mains: 'on',
        unitBattery: 90,
        software: MQTT_EXAMPLE_PAYLOADS.heartbeat.software,
      });
      expect(await stores.states.gateway('gw-b')).toMatchObject({ lastSeenAt: null, intervalS: null });
      expect(await stores.states.gateway('nope')).toBeUndefined();
      expect((await stores.states.gatewaysOfHome(home)).map((g) => g.gatewayId)).toEqual([
        'gw-Z',
        'gw-a',
        'gw-b',
      ]);
      expect(
        (await stores.states.gatewaysIn(['gw-b', 'nope', 'gw-a'])).map((g) => g.gatewayId).sort(),
      ).toEqual(['gw-a', 'gw-b']);
      expect(await stores.states.gatewaysIn([])).toEqual([]);
    });

    it('keeps the later last-seen whatever order touches arrive in', async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1']);
      await stores.states.touchGateway('gw-1', T0 + 500);
      await stores.states.touchGateway('gw-1', T0 + 100);
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBe(T0 + 500);
      expect((await stores.states.gateway('gw-1'))?.intervalS).toBe(POLICY.defaultIntervalS);
      await stores.states.touchDevice('gw-1', 'p-1', 'pendant', T0 + 900);
      await stores.states.touchDevice('gw-1', 'p-1', 'pendant', T0 + 700);
      expect(await stores.states.device('gw-1', 'p-1')).toMatchObject({
        kind: 'pendant',
        link: 'up',
        lastSeenAt: T0 + 900,
        linkChanges: [],
      });
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBe(T0 + 900);
    });

    it("touches a turn's gateways and devices in one call: each once, the later last-seen kept", async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1', 'gw-2', 'gw-3']);
      await stores.states.touchDevice('gw-1', 'p-1', 'pendant', T0 + 900);
      await stores.states.touchAll([], [], T0 + 1_000);
      await stores.states.touchAll(
        ['gw-3', 'gw-3'],
        [
          { gatewayId: 'gw-1', deviceId: 'p-1', kind: 'pendant' },
          { gatewayId: 'gw-2', deviceId: 'k-1', kind: 'keysafe' },
          { gatewayId: 'gw-1', deviceId: 'p-1', kind: 'pendant' },
          { gatewayId: 'gw-1', deviceId: 'p-2', kind: 'pendant' },
        ],
        T0 + 500,
      );
      // an older touch never moves last-seen back
      expect(await stores.states.device('gw-1', 'p-1')).toMatchObject({ lastSeenAt: T0 + 900, link: 'up' });
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBe(T0 + 900);
      expect(await stores.states.device('gw-1', 'p-2')).toMatchObject({
        kind: 'pendant',
        lastSeenAt: T0 + 500,
      });
      expect(await stores.states.device('gw-2', 'k-1')).toMatchObject({
        kind: 'keysafe',
        lastSeenAt: T0 + 500,
      });
      expect(await stores.states.gateway('gw-2')).toMatchObject({
        lastSeenAt: T0 + 500,
        intervalS: POLICY.defaultIntervalS,
      });
      expect((await stores.states.gateway('gw-3'))?.lastSeenAt).toBe(T0 + 500);
      expect(await stores.states.device('gw-3', 'gw-3')).toBeUndefined();
      await stores.states.touchAll(
        ['gw-3'],
        [{ gatewayId: 'gw-1', deviceId: 'p-1', kind: 'pendant' }],
        T0 + 2_000,
      );
      expect((await stores.states.device('gw-1', 'p-1'))?.lastSeenAt).toBe(T0 + 2_000);
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBe(T0 + 2_000);
      expect((await stores.states.gateway('gw-3'))?.lastSeenAt).toBe(T0 + 2_000);
    });

    it('records devices: link changes within the flap window, the previous link, reported values kept when absent', async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1']);
      const s = stores.states;
      const first = await s.recordDevice('gw-1', report('p-1', 'up', T0), T0, HOUR);
      expect(first.before).toBeUndefined();
      expect(first.after).toEqual({ gatewayId: 'gw-1', ...report('p-1', 'up', T0), linkChanges: [] });
      const down = await s.recordDevice(
        'gw-1',
        { ...report('p-1', 'down', null), battery: null },
        T0 + 10,
        HOUR,
      );
      expect(down.before).toMatchObject({ link: 'up', linkChanges: [] });
      // a null last-seen never lowers the stored one; a missing battery keeps the last
      expect(down.after).toMatchObject({ link: 'down', lastSeenAt: T0, battery: 80, linkChanges: [T0 + 10] });
      const later = await s.recordDevice('gw-1', report('p-1', 'up', T0 + 2 * HOUR), T0 + 2 * HOUR, HOUR, {
        link: 'down',
        linkChanges: [T0 + 10],
      });
      // the change at T0 + 10 fell out of the window; this one is in it
      expect(later.after.linkChanges).toEqual([T0 + 2 * HOUR]);
      await s.recordDevice('gw-1', report('p-0', 'up', T0), T0, HOUR);
      expect((await s.devices('gw-1')).map((d) => d.deviceId)).toEqual(['p-0', 'p-1']);
      expect((await s.devices()).map((d) => `${d.gatewayId}/${d.deviceId}`)).toEqual([
        'gw-1/p-0',
        'gw-1/p-1',
      ]);
      expect((await s.devicesIn(['gw-1', 'gw-2'])).length).toBe(2);
      expect(await s.devicesIn([])).toEqual([]);
    });

    it('availability: offline is declared (and bucketed), a later heartbeat brings it back online, an older one does not', async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1']);
      const s = stores.states;
      await s.recordAvailability('gw-1', 'online', T0);
      expect(await s.gateway('gw-1')).toMatchObject({
        availability: 'online',
        availabilityAt: T0,
        lastSeenAt: T0,
      });
      await s.recordAvailability('gw-1', 'offline', T0 + 1000);
      expect(await s.gateway('gw-1')).toMatchObject({
        availability: 'offline',
        availabilityAt: T0 + 1000,
        lastSeenAt: T0,
      });
      await s.recordHeartbeat('gw-1', hb('gw-1'), T0 + 500);
      expect((await s.gateway('gw-1'))?.availability).toBe('offline');
      await s.recordHeartbeat('gw-1', hb('gw-1'), T0 + 2000);
      expect((await s.gateway('gw-1'))?.availability).toBe('online');
      const bucket = Math.floor(T0 / POLICY.bucketMs) * POLICY.bucketMs;
      expect(await s.buckets('gw-1', bucket)).toEqual([{ bucketStart: bucket, heartbeats: 2, offline: 1 }]);
    });

    it("records a round of a turn's heartbeats, availability messages and device reports in one call, as a call each would", async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-c', 'gw-a', 'gw-b']);
      const s = stores.states;
      await s.recordAvailability('gw-b', 'offline', T0);
      await s.recordDevice('gw-a', report('p-1', 'up', T0 + 50), T0 + 50, HOUR);
      const after = await s.recordStates({
        heartbeats: [
          { gatewayId: 'gw-c', hb: hb('gw-c', { intervalS: 60 }), at: T0 + 10 },
          {
            gatewayId: 'gw-a',
            hb: hb('gw-a', { mains: 'off', storage: { state: 'full', since: T0, memoryDepth: 2 } }),
            at: T0 + 10,
          },
        ],
        availability: [{ gatewayId: 'gw-b', state: 'online', at: T0 + 5 }],
        devices: [
          { gatewayId: 'gw-c', report: report('p-2', 'down', null), linkChanges: [T0 + 10], at: T0 + 10 },
          // an older report: the later last-seen stays
          { gatewayId: 'gw-a', report: report('p-1', 'up', T0 + 10), linkChanges: [], at: T0 + 10 },
        ],
      });
      expect(after.map((d) => [d.gatewayId, d.deviceId, d.link, d.lastSeenAt, d.linkChanges])).toEqual([
        ['gw-a', 'p-1', 'up', T0 + 50, []],
        ['gw-c', 'p-2', 'down', null, [T0 + 10]],
      ]);
      expect(await s.gateway('gw-a')).toMatchObject({
        lastSeenAt: T0 + 10,
        intervalS: 30,
        mains: 'off',
        availability: null,
        storageState: 'full',
        storageMemoryDepth: 2,
      });
      expect(await s.gateway('gw-c')).toMatchObject({ lastSeenAt: T0 + 10, intervalS: 60 });
      expect(await s.gateway('gw-b')).toMatchObject({
        availability: 'online',
        availabilityAt: T0 + 5,
        lastSeenAt: T0 + 5,
        intervalS: POLICY.defaultIntervalS,
        software: null,
      });
      // the next round: gw-a's will, gw-b's heartbeat, gw-c goes offline too
      await s.recordStates({
        heartbeats: [{ gatewayId: 'gw-b', hb: hb('gw-b', { mains: 'on' }), at: T0 + 20 }],
        availability: [
          { gatewayId: 'gw-a', state: 'offline', at: T0 + 20 },
          { gatewayId: 'gw-c', state: 'offline', at: T0 + 20 },
        ],
        devices: [],
      });
      expect(await s.gateway('gw-a')).toMatchObject({
        availability: 'offline',
        availabilityAt: T0 + 20,
        lastSeenAt: T0 + 10,
        mains: 'off',
        intervalS: 30,
      });
      expect(await s.gateway('gw-b')).toMatchObject({
        availability: 'online',
        lastSeenAt: T0 + 20,
        mains: 'on',
      });
      // a heartbeat after the will brings the unit back online
      await s.recordStates({
        heartbeats: [{ gatewayId: 'gw-a', hb: hb('gw-a'), at: T0 + 30 }],
        availability: [],
        devices: [],
      });
      expect(await s.gateway('gw-a')).toMatchObject({ availability: 'online', lastSeenAt: T0 + 30 });
      const bucket = Math.floor(T0 / POLICY.bucketMs) * POLICY.bucketMs;
      expect(await s.buckets('gw-a', bucket)).toEqual([{ bucketStart: bucket, heartbeats: 2, offline: 1 }]);
      expect(await s.buckets('gw-b', bucket)).toEqual([{ bucketStart: bucket, heartbeats: 1, offline: 1 }]);
      expect(await s.buckets('gw-c', bucket)).toEqual([{ bucketStart: bucket, heartbeats: 1, offline: 1 }]);
      expect(await s.recordStates({ heartbeats: [], availability: [], devices: [] })).toEqual([]);
    });

    it('history buckets: heartbeats counted, offline marked, old ones pruned', async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1']);
      const s = stores.states;
      const b = POLICY.bucketMs;
      const start = Math.floor(T0 / b) * b;
      await s.recordHeartbeat('gw-1', hb('gw-1'), start);
      await s.recordHeartbeat('gw-1', hb('gw-1'), start + 1);
      await s.markOffline('gw-1', start + b);
      await s.markOffline('gw-1', start + b + 1);
      expect(await s.buckets('gw-1', start)).toEqual([
        { bucketStart: start, heartbeats: 2, offline: 0 },
        { bucketStart: start + b, heartbeats: 0, offline: 1 },
      ]);
      expect(await s.buckets('gw-1', start + 1)).toHaveLength(1);
      expect(await s.pruneBuckets(start + b)).toBe(1);
      expect(await s.buckets('gw-1', 0)).toHaveLength(1);
    });

    it('the disk state of a heartbeat, and a revoked gateway leaves the lists', async () => {
      const { stores, repos } = fx();
      await seedHome(repos, ['gw-1', 'gw-2']);
      await stores.states.recordHeartbeat(
        'gw-1',
        hb('gw-1', { storage: { state: 'read-only', since: T0 - 5, memoryDepth: 3 } }),
        T0,
      );
      expect(await stores.states.gateway('gw-1')).toMatchObject({
        storageState: 'read-only',
        storageSince: T0 - 5,
        storageMemoryDepth: 3,
      });
      await repos.gateways.revoke('gw-2', T0);
      expect((await stores.states.gateways()).map((g) => g.gatewayId)).toEqual(['gw-1']);
    });

    it('a rolled-back transaction leaves no state, device or bucket behind', async () => {
      const { stores, repos, storage } = fx();
      await seedHome(repos, ['gw-1']);
      await expect(
        storesIn(storage, async (tx) => {
          await tx.states.recordHeartbeat('gw-1', hb('gw-1'), T0);
          await tx.states.recordDevice('gw-1', report('p-1', 'up', T0), T0, HOUR);
          expect((await tx.states.gateway('gw-1'))?.lastSeenAt).toBe(T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBeNull();
      expect(await stores.states.devices()).toEqual([]);
      expect(await stores.states.buckets('gw-1', 0)).toEqual([]);
    });

    it('two transactions touching one gateway at once both commit; the later time stays', async () => {
      const { stores, repos, storage } = fx();
      await seedHome(repos, ['gw-1']);
      await Promise.all([
        storesIn(storage, (tx) => tx.states.touchDevice('gw-1', 'p-1', 'pendant', T0 + 2)),
        storesIn(storage, (tx) => tx.states.touchDevice('gw-1', 'p-1', 'pendant', T0 + 1)),
      ]);
      expect((await stores.states.gateway('gw-1'))?.lastSeenAt).toBe(T0 + 2);
      expect((await stores.states.device('gw-1', 'p-1'))?.lastSeenAt).toBe(T0 + 2);
    });
  });
}
