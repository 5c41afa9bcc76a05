import { LocalFleet } from '@baken/device-sim/fleet/index';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { type RunningServer, startServer } from '@baken/server';
import type { Clock as ServerClock } from '@baken/server/clock';
import { createLogger } from '@baken/server/logger';
import { bulkEnrol, type EnrolledHome } from '@baken/server/modules/enrolment/bulk-enrolment';
import { openDatabase } from '@baken/server/store/database';
import { createSqliteRepositories } from '@baken/server/store/sqlite/index';
import { testConfig } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The fleet simulator against the whole server (embedded broker, ingest, health) over real MQTT.
// One MockClock drives both: heartbeats, reconnect back-off and the server's sweeps move only when
// the test advances it; real time only carries the MQTT round trips.
const HOMES = 50;
const MIN = 60_000;
const clock = new MockClock({ epochMs: Date.UTC(2026, 0, 5, 8) });
const db = openDatabase(':memory:');
let server: RunningServer;
let homes: EnrolledHome[];
let fleet: LocalFleet;
let admin: Record<string, string>;
let mqttPort = 0;

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 25 });

const start = async (): Promise<RunningServer> =>
  startServer({
    config: testConfig({ mqtt: { port: mqttPort } }),
    clock: clock as unknown as ServerClock,
    db,
    logger: createLogger('silent'),
  });

const gatewayStates = async (): Promise<Map<string, string>> => {
  const r = await server.app.inject({
    method: 'GET',
    url: '/api/v1/fleet/gateways?limit=500',
    headers: admin,
  });
  const items = (r.json() as { items: Array<{ gatewayId: string; state: string }> }).items;
  return new Map(items.map((g) => [g.gatewayId, g.state]));
};
const storedAlarms = () =>
  db.prepare("SELECT count(*) AS n, count(DISTINCT id) AS d FROM events WHERE kind = 'alarm'").get() as {
    n: number;
    d: number;
  };
/** Every heartbeat published so far has its PUBACK (or failed): the broker has it. */
const heartbeatsLanded = async () => {
  const s = await fleet.stats();
  return s.heartbeatsConfirmed + s.heartbeatFailures === s.heartbeats;
};
/** Moves both clocks in 15 s steps, letting the heartbeats each step causes reach the broker. */
const advance = async (ms: number) => {
  for (let left = ms; left > 0; left -= 15_000) {
    await clock.advanceAsync(Math.min(15_000, left));
    await poll(heartbeatsLanded).toBe(true);
  }
};

beforeAll(async () => {
  server = await start();
  mqttPort = Number(new URL(server.mqttUrl).port);
  homes = await bulkEnrol(createSqliteRepositories(db), () => clock.now(), {
    homes: HOMES,
    label: 'Fleet test',
    parallel: 8,
  });
  const user = await server.app.baken.repos.users.create(
    { username: 'fleet-admin', displayName: 'admin', role: 'admin', passwordHash: 'x', clientId: null },
    clock.now(),
  );
  const { token } = await server.app.baken.auth.createApiToken(user.id, 'test', null);
  admin = { authorization: `Bearer ${token}` };
  fleet = new LocalFleet({
    mqttUrl: server.mqttUrl,
    homes,
    clock,
    connectRate: 10_000,
    heartbeatIntervalS: 60,
    backoffInitialMs: 1_000,
    backoffMaxMs: 4_000,
  }).start();
  await fleet.ready(60_000);
}, 120_000);

afterAll(async () => {
  await fleet?.core.stop();
  await server?.close();
  db.close();
});

describe('fleet simulator against a real server', () => {
  it('every home is online; an alarm storm is stored once per alarm and every alarm is acked', async () => {
    await poll(async () => [...(await gatewayStates()).values()].filter((s) => s === 'online').length).toBe(
      HOMES,
    );
    const pressed = await fleet.storm(0.6, 2_000);
    expect(pressed).toBe(30);
    await clock.advanceAsync(2_000);
    await poll(async () => (await fleet.stats()).alarmsAcked).toBe(30);
    const s = await fleet.stats();
    expect(s).toMatchObject({ alarmsRaised: 30, alarmsSent: 30, pendingAlarms: 0 });
    expect(s.alarmLatencyMs.count).toBe(30);
    expect(storedAlarms()).toEqual({ n: 30, d: 30 });
  });

  it('a home that dies with its last will is offline at once; a silent one after 2.5 intervals', async () => {
    expect(await fleet.killWithWill(1)).toBe(1);
    const deadId = fleet.core.homes.find((h) => h.state === 'dead')!.identity.gatewayId;
    await poll(async () => (await gatewayStates()).get(deadId)).toBe('offline');

    expect(await fleet.killSilently(1)).toBe(1);
    const silent = fleet.core.homes.find((h) => h.state === 'silent')!;
    expect(silent.connected).toBe(true);
    await advance(4 * MIN);
    const states = await gatewayStates();
    expect(states.get(silent.identity.gatewayId)).toBe('offline');
    const others = [...states].filter(([id]) => id !== deadId && id !== silent.identity.gatewayId);
    expect(others.filter(([, st]) => st === 'online')).toHaveLength(HOMES - 2);
  });

  it('after a restart of the server and its broker every running home reconnects; alarms flow again', async () => {
    const before = (await fleet.stats()).connects;
    await server.close();
    await poll(async () => (await fleet.stats()).connected).toBe(0);
    server = await start();
    // the gateway's back-off (1–4 s here) and reach checks run on the clock
    // (a session counts once subscribed and `online` is published)
    await poll(async () => {
      await clock.advanceAsync(500);
      return (await fleet.stats()).connects - before;
    }).toBe(HOMES - 1); // the dead home stays away; the silent one reconnects (its library does)
    expect((await fleet.stats()).connected).toBe(HOMES - 1);
    expect(await fleet.alarm(5)).toBe(5);
    await poll(async () => (await fleet.stats()).alarmsAcked).toBe(35);
    expect(storedAlarms()).toEqual({ n: 35, d: 35 });
  });
});
