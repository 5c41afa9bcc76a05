import type { HeartbeatPayload } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

const MIN = 60_000;
let t: TestApp;
let admin: { authorization: string };
let homeId: string;
const gatewayId = 'gw-never-seen-01';

const hb = (): HeartbeatPayload => ({
  v: 1,
  gatewayId,
  sentAt: t.clock.now(),
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  // a pendant installed but not heard yet: no last-seen at all
  devices: [
    { deviceId: 'PEN-NEW-1', kind: 'pendant', link: 'unknown', lastSeen: null, rssi: null, battery: null },
  ],
});

beforeAll(async () => {
  t = await testApp();
  admin = (await t.userWithToken('admin')).auth;
  const { repos } = t.app.baken;
  const c = await repos.clients.createClient({ name: 'C' }, t.clock.now());
  homeId = (await repos.clients.createHome({ clientId: c.id, address: 'Straat 1' }, t.clock.now())).id;
  await repos.gateways.create({
    id: gatewayId,
    homeId,
    serial: null,
    createdAt: t.clock.now(),
    revokedAt: null,
    mqttPasswordHash: 'x',
  });
  for (let i = 0; i <= 10; i++) {
    await t.app.ingest.storeTurn({
      states: [{ kind: 'heartbeat', body: { heartbeat: hb(), gatewayId, homeId, at: t.clock.now() } }],
    });
    await t.app.health.sweep(t.clock.now());
    t.clock.advance(MIN);
  }
});
afterAll(() => t?.close());

describe('a device the home unit has never heard', () => {
  it('stays unknown, opens no incident and burns no downtime budget', async () => {
    const health = (await t.app.inject({ url: `/api/v1/homes/${homeId}/health`, headers: admin })).json();
    expect(health.devices).toEqual([
      expect.objectContaining({ deviceId: 'PEN-NEW-1', state: 'unknown', lastSeenAt: null }),
    ]);
    const incidents = (await t.app.inject({ url: '/api/v1/incidents', headers: admin })).json();
    const list = Array.isArray(incidents) ? incidents : incidents.items;
    expect(list).toEqual([]);
    const budgets = (await t.app.inject({ url: '/api/v1/budgets', headers: admin })).json();
    expect(JSON.stringify(budgets)).not.toMatch(/"consumedMs":[1-9]/);
  });
});
