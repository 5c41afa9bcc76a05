import type { HeartbeatPayload } from '@baken/protocols';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import type { BakenApp } from '../../app-context.js';
import { ManualClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { type Db, openDatabase } from '../../store/database.js';
import { seedHome } from '../../testing/seed-home.js';
import { testConfig } from '../../testing/test-app.js';

// Downtime accounting to the second (API.md) and the storage health state [MQTT-MAP §4.3.1],
// through the same ingest turn the MQTT ingest runs; a server restart is a second app over the same
// database (the first one "crashes": it is simply never advanced or closed before the check).

const T0 = Date.UTC(2026, 5, 1, 8);
const GW = 'gw-restart-0001';
const apps: BakenApp[] = [];
let db: Db;
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  db?.close();
});

async function start(clock: ManualClock): Promise<BakenApp> {
  const app = await buildApp({ config: testConfig(), clock, db, logger: createLogger('silent') });
  await app.ready();
  apps.push(app);
  return app;
}

async function enrol(app: BakenApp, clock: ManualClock): Promise<string> {
  return (await seedHome(app.baken.repos, GW, clock.now())).homeId;
}

const hb = (clock: ManualClock, over: Partial<HeartbeatPayload> = {}): HeartbeatPayload => ({
  v: 1,
  gatewayId: GW,
  sentAt: clock.now(),
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  devices: [],
  ...over,
});
const beat = (app: BakenApp, clock: ManualClock, homeId: string, over: Partial<HeartbeatPayload> = {}) =>
  app.ingest.storeTurn({
    states: [
      { kind: 'heartbeat', body: { heartbeat: hb(clock, over), gatewayId: GW, homeId, at: clock.now() } },
    ],
  });
const stateOf = async (app: BakenApp, clock: ManualClock) => {
  const h = app.health;
  return h.gatewayState((await h.states.gateway(GW))!, clock.now());
};
/** Advances the clock in sweep-sized steps, letting each sweep (async) finish. */
async function pass(clock: ManualClock, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 5_000) {
    clock.advance(Math.min(5_000, left));
    await new Promise((r) => setImmediate(r));
  }
}
/** The gateway's row in the fleet API, as an admin sees it. */
async function fleetRow(app: BakenApp, clock: ManualClock): Promise<Record<string, unknown> | undefined> {
  const user = await app.baken.repos.users.create(
    {
      username: `admin-${clock.now()}`,
      displayName: 'admin',
      role: 'admin',
      passwordHash: 'scrypt$1$1$1$AA==$AA==',
      clientId: null,
    },
    clock.now(),
  );
  const { token } = await app.baken.auth.createApiToken(user.id, 'test', null);
  const r = await app.inject({
    url: '/api/v1/fleet/gateways',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r.statusCode).toBe(200);
  return (r.json() as { items: Record<string, unknown>[] }).items.find((g) => g['gatewayId'] === GW);
}
const incidents = (app: BakenApp) => app.health.incidents.list({ limit: 100, offset: 0 });

describe('after a server restart', () => {
  it('the platform gap is dated to the second, and a home is online only once its unit reconnected', async () => {
    db = openDatabase(':memory:');
    const c1 = new ManualClock(T0);
    const app1 = await start(c1);
    const homeId = await enrol(app1, c1);
    await beat(app1, c1, homeId);
    expect(await stateOf(app1, c1)).toBe('online');
    c1.advance(37_400); // crashes 37.4 s in (no clean stop)
    const crashedAt = c1.now();

    const c2 = new ManualClock(crashedAt + 20_000);
    const app2 = await start(c2);
    const gap = (await incidents(app2)).find((i) => i.subjectKind === 'platform');
    expect(gap?.endedAt).toBe(crashedAt + 20_000);
    expect(crashedAt - gap!.startedAt).toBeLessThanOrEqual(1_000); // not the last 15 s sweep
    // last heard 57.4 s ago, well inside the silence threshold, but not since the restart
    expect(await stateOf(app2, c2)).toBe('stale');
    expect((await fleetRow(app2, c2))?.state).toBe('stale'); // what the fleet view shows

    c2.advance(3_000); // the unit's back-off ends: CONNECT + availability online
    await app2.ingest.storeTurn({
      states: [
        {
          kind: 'availability',
          body: {
            availability: { v: 1, state: 'online', at: c2.now() },
            gatewayId: GW,
            homeId,
            at: c2.now(),
          },
        },
      ],
    });
    expect(await stateOf(app2, c2)).toBe('online');
    expect((await incidents(app2)).filter((i) => i.subjectKind === 'gateway')).toEqual([]);
  });

  it('a unit that does not come back: its incident starts when the platform went down', async () => {
    db = openDatabase(':memory:');
    const c1 = new ManualClock(T0);
    const app1 = await start(c1);
    const homeId = await enrol(app1, c1);
    await beat(app1, c1, homeId);
    c1.advance(30_000);
    await beat(app1, c1, homeId);
    c1.advance(7_000); // crash 37 s after the first heartbeat
    const crashedAt = c1.now();

    const c2 = new ManualClock(crashedAt + 10_000);
    const app2 = await start(c2);
    await pass(c2, 5 * 60_000); // sweeps run; silence passes the threshold
    const [inc] = (await incidents(app2)).filter((i) => i.subjectKind === 'gateway');
    expect(inc).toMatchObject({ cause: 'silence', endedAt: null });
    expect(crashedAt - inc!.startedAt).toBeLessThanOrEqual(1_000);
    expect(inc!.startedAt).toBeGreaterThan(T0 + 30_000); // not the last heartbeat
  });
});

describe('a degraded outbox disk on a home unit', () => {
  it('raises a warning and a storage incident (not downtime), shows the unit degraded, and clears on ok', async () => {
    db = openDatabase(':memory:');
    const clock = new ManualClock(T0);
    const app = await start(clock);
    const homeId = await enrol(app, clock);
    await beat(app, clock, homeId, { storage: { state: 'ok', since: T0 - 1000, memoryDepth: 0 } });
    clock.advance(10_000);
    const fullSince = clock.now() - 2_000;
    await beat(app, clock, homeId, { storage: { state: 'full', since: fullSince, memoryDepth: 12 } });
    const h = app.health;
    const warning = await h.warnings.openOne(GW, GW, 'storage_degraded');
    expect(warning?.detail).toMatchObject({ state: 'full', memoryDepth: 12 });
    expect(String(warning?.detail['advice'])).toMatch(/free space/);
    const inc = await h.incidents.openFor('storage', GW);
    expect(inc).toMatchObject({ cause: 'storage_degraded', homeId, startedAt: fullSince, endedAt: null });
    expect(await stateOf(app, clock)).toBe('online'); // it still delivers
    expect(await fleetRow(app, clock)).toMatchObject({ state: 'online', degraded: true, storage: 'full' });
    const row = (await h.states.gateway(GW))!;
    expect(row).toMatchObject({ storageState: 'full', storageSince: fullSince, storageMemoryDepth: 12 });
    clock.advance(60_000);
    await h.sweep(clock.now());
    expect((await h.budget(homeId, clock.now())).consumedMs).toBe(0);

    const okSince = clock.now() - 500;
    await beat(app, clock, homeId, { storage: { state: 'ok', since: okSince, memoryDepth: 0 } });
    expect(await h.warnings.openOne(GW, GW, 'storage_degraded')).toBeUndefined();
    expect(await h.incidents.get(inc!.incidentId)).toMatchObject({ endedAt: okSince });
    expect(await fleetRow(app, clock)).toMatchObject({ degraded: false, storage: 'ok' });
  });
});
