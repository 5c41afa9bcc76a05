import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server.js';
import { testConfig } from '../../testing/test-app.js';

let s: RunningServer;
let auth: Record<string, string>;

async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) {
  const r = await s.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.json(), raw: r.body };
}

beforeAll(async () => {
  s = await startServer({ config: testConfig() });
  const admin = (await s.app.baken.repos.users.list()).find((u) => u.role === 'admin')!;
  const { token } = await s.app.baken.auth.createApiToken(admin.id, 'test', null);
  auth = { authorization: `Bearer ${token}` };
});
afterAll(() => s?.close());

async function homeWithGateway() {
  const c = await api('POST', '/api/v1/clients', { name: 'Client' });
  const h = await api('POST', '/api/v1/homes', { clientId: c.body.id, address: 'Laan 3' });
  const tok = await api('POST', `/api/v1/homes/${h.body.id}/enrolment-tokens`);
  const p = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.body.token, hardwareId: `hw-${h.body.id.slice(0, 8)}`, software: '0.1.0' },
  });
  const { gatewayId, mqtt: creds } = p.json();
  const client = await mqtt.connectAsync(s.mqttUrl, {
    clientId: gatewayId,
    username: creds.username,
    password: creds.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const configs: Record<string, unknown>[] = [];
  client.on('message', (topic, payload) => {
    if (topic.endsWith('/config')) configs.push(JSON.parse(payload.toString()));
  });
  await client.subscribeAsync(`baken/v1/gw/${gatewayId}/config`, { qos: 1 });
  return { homeId: h.body.id as string, gatewayId: gatewayId as string, client, configs };
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe('gateway config', () => {
  it('is published retained when the unit comes online, and again with the key when a pendant is paired', async () => {
    const g = await homeWithGateway();
    await g.client.publishAsync(
      `baken/v1/gw/${g.gatewayId}/availability`,
      JSON.stringify({ v: 1, state: 'online', at: Date.now() }),
      { qos: 1, retain: true },
    );
    await until('first config', () => g.configs.length === 1);
    expect(g.configs[0]).toMatchObject({ v: 1, heartbeatIntervalS: 60, pendants: [], keysafes: [] });

    const pendant = await api('POST', '/api/v1/devices', {
      serial: 'PEN-CFG-1',
      type: 'pendant',
      homeId: g.homeId,
      status: 'installed',
    });
    expect(pendant.status).toBe(201);
    const key = '00112233445566778899aabbccddeeff';
    const r = await api('PUT', `/api/v1/devices/${pendant.body.id}/pairing`, {
      address: 'c0:ff:ee:00:00:09',
      format: 'bthome',
      keyHex: key,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      deviceId: pendant.body.id,
      address: 'C0:FF:EE:00:00:09',
      format: 'bthome',
      hasKey: true,
      mode: 'bthome_encrypted',
      authenticated: true,
      gatewaysUpdated: 1,
    });
    expect(r.raw).not.toContain(key);
    await until('second config', () => g.configs.length === 2);
    expect(g.configs[1]).toMatchObject({
      pendants: [{ deviceId: 'PEN-CFG-1', address: 'C0:FF:EE:00:00:09', format: 'bthome', keyHex: key }],
    });
    expect(Number(g.configs[1]!['revision'])).toBeGreaterThanOrEqual(Number(g.configs[0]!['revision']));
    // the key is sealed at rest
    const row = s.db.prepare('SELECT key_sealed FROM pendant_pairings').get() as { key_sealed: string };
    expect(row.key_sealed).not.toContain(key);
    await g.client.endAsync();
  });

  it('refuses to pair what is not a pendant, and a BTHome key of the wrong size', async () => {
    const g = await homeWithGateway();
    const ks = await api('POST', '/api/v1/devices', {
      serial: 'KS-CFG-1',
      type: 'keysafe',
      homeId: g.homeId,
    });
    const bad = await api('PUT', `/api/v1/devices/${ks.body.id}/pairing`, {
      address: 'C0:FF:EE:00:00:0A',
      format: 'bthome',
    });
    expect(bad.status).toBe(409);
    const p = await api('POST', '/api/v1/devices', {
      serial: 'PEN-CFG-2',
      type: 'pendant',
      homeId: g.homeId,
    });
    const wrongKey = await api('PUT', `/api/v1/devices/${p.body.id}/pairing`, {
      address: 'C0:FF:EE:00:00:0B',
      format: 'bthome',
      keyHex: '00'.repeat(20),
    });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.code).toBe('BAKEN_ERR_VALIDATION');
    const unknown = await api('PUT', '/api/v1/devices/nope/pairing', {
      address: 'C0:FF:EE:00:00:0C',
      format: 'baken',
    });
    expect(unknown.status).toBe(404);
    const bakenWithoutKey = await api('PUT', `/api/v1/devices/${p.body.id}/pairing`, {
      address: 'C0:FF:EE:00:00:0B',
      format: 'baken',
    });
    expect(bakenWithoutKey.status).toBe(400);
    await g.client.endAsync();
  });

  it('says whether each pendant is authenticated and recommends encryption for plaintext BTHome', async () => {
    const g = await homeWithGateway();
    const plain = await api('POST', '/api/v1/devices', {
      serial: 'PEN-AUTH-1',
      type: 'pendant',
      homeId: g.homeId,
    });
    const enc = await api('POST', '/api/v1/devices', {
      serial: 'PEN-AUTH-2',
      type: 'pendant',
      homeId: g.homeId,
    });
    const r = await api('PUT', `/api/v1/devices/${plain.body.id}/pairing`, {
      address: 'C0:FF:EE:00:00:21',
      format: 'bthome',
    });
    expect(r.body).toMatchObject({ mode: 'bthome_plain', authenticated: false, hasKey: false });
    expect(r.body.advice).toMatch(/encryption/);
    const key = 'ffeeddccbbaa99887766554433221100';
    await api('PUT', `/api/v1/devices/${enc.body.id}/pairing`, {
      address: 'C0:FF:EE:00:00:22',
      format: 'bthome',
      keyHex: key,
    });
    const one = await api('GET', `/api/v1/devices/${enc.body.id}/pairing`);
    expect(one.body).toMatchObject({ mode: 'bthome_encrypted', authenticated: true });
    expect(one.raw).not.toContain(key);
    const all = await api('GET', `/api/v1/homes/${g.homeId}/pendant-pairings`);
    expect(
      all.body.items
        .map((i: { serial: string; authenticated: boolean }) => [i.serial, i.authenticated])
        .sort(),
    ).toEqual([
      ['PEN-AUTH-1', false],
      ['PEN-AUTH-2', true],
    ]);
    expect(all.raw).not.toContain(key);
    expect((await api('GET', '/api/v1/devices/nope/pairing')).status).toBe(404);
    await g.client.endAsync();
  });
});
