import type { EventEnvelope, HeartbeatPayload } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHome } from '../../testing/seed-home.js';
import { type TestApp, testApp } from '../../testing/test-app.js';
import type { DomainEventMap } from '../ingest/domain-events.js';

// The HTTP side without a broker: state arrives through the same ingest turn MQTT ingest runs.

const MIN = 60_000;
let t: TestApp;
let admin: { authorization: string };
let homeA: string;
let homeB: string;
let clientA: string;

async function home(region: string): Promise<{ homeId: string; clientId: string; gatewayId: string }> {
  return seedHome(t.app.baken.repos, `gw-${region.toLowerCase()}-0001`, t.clock.now(), {
    client: `C ${region}`,
    address: `Straat ${region}`,
    region,
  });
}

const hb = (gatewayId: string, over: Partial<HeartbeatPayload> = {}): HeartbeatPayload => ({
  v: 1,
  gatewayId,
  sentAt: t.clock.now(),
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  devices: [],
  ...over,
});

/** Runs an event through the store and the in-transaction processors, as ingest does. */
function ingest(e: EventEnvelope, homeId: string) {
  return t.app.ingest.storeTurn({ events: [{ event: e, homeId }] });
}

const get = (url: string, headers: Record<string, string> = admin) => t.app.inject({ url, headers });

beforeAll(async () => {
  t = await testApp();
  admin = (await t.userWithToken('admin')).auth;
  const a = await home('Noord');
  const b = await home('Zuid');
  homeA = a.homeId;
  homeB = b.homeId;
  clientA = a.clientId;
  const at = t.clock.now();
  const beat = (body: DomainEventMap['ingest.heartbeat']) =>
    t.app.ingest.storeTurn({ states: [{ kind: 'heartbeat', body }] });
  const beatA = () => {
    const now = t.clock.now();
    return beat({
      heartbeat: hb(a.gatewayId, {
        mains: 'off',
        outbox: { depth: 500, oldestAgeS: 900 },
        devices: [
          { deviceId: 'pendant-1', kind: 'pendant', link: 'up', lastSeen: now, rssi: -60, battery: 90 },
          { deviceId: 'KS-000123', kind: 'keysafe', link: 'up', lastSeen: now, rssi: null, battery: 70 },
        ],
      }),
      gatewayId: a.gatewayId,
      homeId: homeA,
      at: now,
    });
  };
  await beatA();
  await ingest(
    {
      v: 1,
      id: 'evt-clock-00000001',
      gatewayId: a.gatewayId,
      deviceId: 'KS-000123',
      deviceKind: 'keysafe',
      kind: 'clock_report',
      priority: 'normal',
      deviceTime: at + 45_000,
      receivedAt: at,
      data: { deviceTime: at + 45_000, offsetMs: 45_000 },
    },
    homeA,
  );
  await ingest(
    {
      v: 1,
      id: 'evt-alarm-00000001',
      gatewayId: a.gatewayId,
      deviceId: 'pendant-1',
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: at,
      data: {},
    },
    homeA,
  );
  // Gateway B goes silent for 10 minutes: an incident in home B.
  await beat({ heartbeat: hb(b.gatewayId), gatewayId: b.gatewayId, homeId: homeB, at });
  for (let i = 0; i < 10; i++) {
    t.clock.advance(MIN);
    await new Promise((r) => setImmediate(r)); // the (async) sweeps
    await beatA();
  }
  await t.app.health.idle();
});
afterAll(() => t?.close());

describe('health API', () => {
  it('summarises the fleet with explicit states', async () => {
    const r = await get('/api/v1/fleet/summary');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      gateways: { online: 1, stale: 0, offline: 1, unknown: 0 },
      openIncidents: 1,
      openAlarms: 1,
    });
    expect(r.json().devicesNeedingAttention).toBeGreaterThanOrEqual(2);
  });

  it('raises warnings: mains lost, outbox backing up, key-safe clock drift', async () => {
    const kinds = (await get('/api/v1/warnings?open=true')).json().items.map((w: { kind: string }) => w.kind);
    expect(kinds).toEqual(expect.arrayContaining(['mains_lost', 'outbox_backlog', 'clock_drift']));
  });

  it('filters and paginates the gateway health list', async () => {
    const off = (await get('/api/v1/fleet/gateways?state=offline')).json();
    expect(off.total).toBe(1);
    expect(off.items[0].region).toBe('Zuid');
    const page = (await get('/api/v1/fleet/gateways?limit=1&offset=1')).json();
    expect(page).toMatchObject({ total: 2 });
    expect(page.items).toHaveLength(1);
    expect((await get('/api/v1/fleet/gateways?state=sideways')).statusCode).toBe(400);
  });

  it('a client sees only their own home; a technician cannot see alarms; anonymous gets 401', async () => {
    const client = (await t.userWithToken('client', { clientId: clientA })).auth;
    const own = await get(`/api/v1/homes/${homeA}/health`, client);
    expect(own.statusCode).toBe(200);
    expect(own.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['alarm']),
    );
    expect((await get(`/api/v1/homes/${homeB}/health`, client)).statusCode).toBe(404);
    expect((await get('/api/v1/fleet/summary', client)).statusCode).toBe(403);
    const tech = (await t.userWithToken('technician')).auth;
    expect((await get('/api/v1/incidents', tech)).statusCode).toBe(200);
    expect((await get('/api/v1/alarms', tech)).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/stream' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/fleet/summary' })).statusCode).toBe(401);
  });

  it('a care worker sees only alarms assigned to them', async () => {
    const carer = await t.userWithToken('care_worker');
    const list = () => get('/api/v1/alarms', carer.auth).then((r) => r.json().items as Array<{ id: string }>);
    expect(await list()).toEqual([]);
    const [alarm] = (await get('/api/v1/alarms?open=true')).json().items as Array<{ id: string }>;
    const assign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${alarm!.id}/assign`,
      headers: admin,
      payload: { userId: carer.id },
    });
    expect(assign.json()).toMatchObject({ state: 'assigned', assignedUserId: carer.id });
    expect((await list()).map((a) => a.id)).toEqual([alarm!.id]);
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${alarm!.id}/ack`,
      headers: carer.auth,
      payload: {},
    });
    expect(ack.statusCode).toBe(403);
  });

  it('reports downtime per home and per region as JSON and CSV', async () => {
    const from = t.clock.now() - 60 * MIN;
    const to = t.clock.now() + 1;
    const json = (await get(`/api/v1/reports/downtime?from=${from}&to=${to}&groupBy=region`)).json();
    // silent for 10 minutes: down from the first missed heartbeat, one interval after the last
    expect(json.rows).toEqual([{ key: 'Zuid', incidents: 1, downtimeMs: 9 * MIN, longestMs: 9 * MIN }]);
    const csv = await get(`/api/v1/reports/downtime?from=${from}&to=${to}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe(`key,incidents,downtimeMs,longestMs\r\n${homeB},1,${9 * MIN},${9 * MIN}\r\n`);
    expect((await get(`/api/v1/reports/downtime?from=${to}&to=${from}`)).statusCode).toBe(400);
  });

  it('reports budgets per home and for the platform', async () => {
    const b = (await get('/api/v1/budgets')).json();
    expect(b.platform).toMatchObject({ scope: 'platform', consumedMs: 0 });
    const zuid = b.homes.find((h: { homeId: string }) => h.homeId === homeB);
    expect(zuid.consumedMs).toBe(9 * MIN);
    expect(b.alerts.map((a: { kind: string }) => a.kind)).toContain('burn_fast');
  });
});
