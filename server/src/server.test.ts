import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { createLogger } from './logger.js';
import { type RunningServer, startServer } from './server.js';
import { testConfig } from './testing/test-app.js';

let s: RunningServer;
let admin: Record<string, string>;

async function api(method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const r = await s.app.inject({
    method,
    url,
    headers: admin,
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: r.statusCode, body: r.json() };
}

async function enrol(): Promise<{ gatewayId: string; password: string; urls: string[] }> {
  const c = await api('POST', '/api/v1/clients', { name: 'Client' });
  const h = await api('POST', '/api/v1/homes', { clientId: c.body.id, address: 'Laan 2' });
  const tok = await api('POST', `/api/v1/homes/${h.body.id}/enrolment-tokens`);
  expect(tok.status).toBe(201);
  const p = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.body.token, hardwareId: `GW-${h.body.id.slice(0, 8)}`, software: '0.1.0' },
  });
  expect(p.statusCode).toBe(200);
  const again = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.body.token, hardwareId: 'GW-again', software: '0.1.0' },
  });
  expect(again.statusCode).toBe(401);
  expect(again.json().error.code).toBe('BAKEN_ERR_ENROLMENT_TOKEN');
  const body = p.json();
  return { gatewayId: body.gatewayId, password: body.mqtt.password, urls: body.mqtt.urls };
}

/** Granted QoS of one subscription; 128 when the broker refused it (mqtt.js rejects then). */
const subQos = (c: mqtt.MqttClient, topic: string): Promise<number | undefined> =>
  c.subscribeAsync(topic, { qos: 1 }).then(
    (g) => g[0]?.qos,
    (e: { packet?: { granted?: number[] } }) => e.packet?.granted?.[0],
  );

const connectGw = (url: string, username: string, password: string, clientId = username) =>
  mqtt.connectAsync(url, { protocolVersion: 4, clientId, username, password, reconnectPeriod: 0 });

beforeAll(async () => {
  s = await startServer({ config: testConfig(), clock: new ManualClock(), logger: createLogger('silent') });
  expect(s.firstAdmin?.username).toBe('admin');
  const login = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'admin', password: s.firstAdmin!.password },
  });
  expect(login.statusCode).toBe(200);
  const token = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    cookies: { baken_session: login.cookies[0]!.value },
    headers: { 'x-baken-csrf': login.json().csrfToken },
    payload: { name: 'e2e' },
  });
  admin = { authorization: `Bearer ${token.json().token}` };
});
afterAll(() => s?.close());

describe('server over real MQTT', () => {
  it('is ready with its embedded broker', async () => {
    const r = await s.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('enrols, provisions, and the gateway talks only inside its own subtree', async () => {
    const a = await enrol();
    const b = await enrol();
    expect(a.urls).toEqual([s.mqttUrl]);
    // stored as the keyed machine-credential hash, never scrypt (auth/machine-credentials.ts)
    const stored = await s.app.baken.repos.gateways.mqttPasswordHash(a.gatewayId);
    expect(s.app.baken.machineCredentials.isCurrent(stored!)).toBe(true);
    const received: string[] = [];
    await s.mqtt.subscribe('baken/v1/gw/+/events', (topic) => received.push(topic));

    const gwA = await connectGw(s.mqttUrl, a.gatewayId, a.password);
    const gwB = await connectGw(s.mqttUrl, b.gatewayId, b.password);
    try {
      // Own downlink: allowed. Foreign downlink and wildcards: SUBACK 0x80.
      expect(await subQos(gwA, `baken/v1/gw/${a.gatewayId}/cmd/req`)).toBe(1);
      expect(await subQos(gwA, `baken/v1/gw/${b.gatewayId}/cmd/req`)).toBe(128);
      expect(await subQos(gwA, 'baken/v1/gw/+/events')).toBe(128);

      // The server reaches A's downlink.
      const got = new Promise<string>((resolve) => gwA.once('message', (_t, p) => resolve(p.toString())));
      await s.mqtt.publish(`baken/v1/gw/${a.gatewayId}/cmd/req`, '{"x":1}');
      expect(await got).toBe('{"x":1}');

      // Own uplink reaches the server.
      await gwB.publishAsync(`baken/v1/gw/${b.gatewayId}/events`, '{}', { qos: 1 });
      await expect.poll(() => received).toContain(`baken/v1/gw/${b.gatewayId}/events`);

      // Publishing into A's subtree: refused (the broker drops B's connection) and never delivered.
      const closed = new Promise<void>((resolve) => gwB.once('close', () => resolve()));
      gwB.publish(`baken/v1/gw/${a.gatewayId}/events`, '{"forged":true}', { qos: 1 });
      await closed;
      expect(received).not.toContain(`baken/v1/gw/${a.gatewayId}/events`);
      const metrics = await s.app.baken.metrics.registry.getSingleMetricAsString('baken_mqtt_rejected_total');
      expect(metrics).toContain('reason="publish_foreign_topic"');
      expect(metrics).toContain('reason="subscribe_foreign_topic"');
    } finally {
      await gwA.endAsync();
      await gwB.endAsync(true);
    }
  });

  it('refuses anonymous, wrong passwords and client-id takeover', async () => {
    const a = await enrol();
    await expect(mqtt.connectAsync(s.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized|not authorized/i,
    );
    await expect(connectGw(s.mqttUrl, a.gatewayId, 'wrong')).rejects.toThrow(/username or password/i);
    await expect(connectGw(s.mqttUrl, a.gatewayId, a.password, 'someone-else')).rejects.toThrow(
      /authorized/i,
    );
    await expect(connectGw(s.mqttUrl, 'baken-server', 'guess', 'baken-server-x')).rejects.toThrow(
      /password/i,
    );
  });
});
