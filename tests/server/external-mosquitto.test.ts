import { randomBytes } from 'node:crypto';
import { needProgram } from '@baken/hardware/testing/external-program';
import { MQTT_EXAMPLE_EVENTS } from '@baken/protocols';
import { startServer } from '@baken/server';
import { mosquittoAclText, mosquittoPasswordLine } from '@baken/server/broker/mosquitto-credentials';
import { testConfig } from '@baken/server/testing/test-app';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAdminAuth } from '../support/first-admin.js';
import { type RunningMosquitto, startMosquitto } from '../support/mosquitto.js';

const hasMosquitto = needProgram('mosquitto');

/**
 * The server pointed at an EXTERNAL broker (a real Mosquitto started here) instead of
 * the embedded one; the same enrol → provision → gateway traffic flow, with Mosquitto enforcing the
 * per-gateway credentials and subtree that provisioning wrote into its files.
 */
describe.skipIf(!hasMosquitto)('server on an external Mosquitto broker', () => {
  let mosq: RunningMosquitto;
  let server: Awaited<ReturnType<typeof startServer>>;
  let adminAuth: { authorization: string };

  beforeAll(async () => {
    const serverPassword = randomBytes(16).toString('hex');
    mosq = await startMosquitto({
      serverUser: 'baken-server',
      serverPasswordLine: mosquittoPasswordLine('baken-server', serverPassword),
      aclText: mosquittoAclText('baken-server'),
    });
    server = await startServer({
      config: testConfig({
        mqtt: {
          port: 0,
          url: mosq.serverUrl,
          publicUrls: [mosq.url],
          username: 'baken-server',
          password: serverPassword,
          mosquittoPasswordFile: mosq.passwordFile,
          mosquittoPidFile: mosq.pidFile,
        },
      }),
    });
    expect(server.broker).toBeNull();
    adminAuth = await firstAdminAuth(server);
  });

  afterAll(async () => {
    await server?.close();
    await mosq?.stop();
  });

  async function provisionGateway(): Promise<{
    gatewayId: string;
    username: string;
    password: string;
    url: string;
  }> {
    const client = await server.app.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: adminAuth,
      payload: { name: 'Mevrouw Jansen' },
    });
    expect(client.statusCode).toBe(201);
    const home = await server.app.inject({
      method: 'POST',
      url: '/api/v1/homes',
      headers: adminAuth,
      payload: { clientId: client.json().id, address: 'Dorpsstraat 1', city: 'Utrecht', region: 'Utrecht' },
    });
    expect(home.statusCode).toBe(201);
    const tok = await server.app.inject({
      method: 'POST',
      url: `/api/v1/homes/${home.json().id}/enrolment-tokens`,
      headers: adminAuth,
    });
    expect(tok.statusCode).toBe(201);
    const prov = await server.app.inject({
      method: 'POST',
      url: '/api/v1/provision',
      payload: {
        token: tok.json().token,
        hardwareId: `machine-id:${randomBytes(16).toString('hex')}`,
        software: '0.1.0',
      },
    });
    expect(prov.statusCode).toBe(200);
    const body = prov.json();
    expect(body.mqtt.urls).toEqual([mosq.url]);
    return {
      gatewayId: body.gatewayId,
      username: body.mqtt.username,
      password: body.mqtt.password,
      url: mosq.url,
    };
  }

  function connectGateway(g: { gatewayId: string; username: string; password: string; url: string }) {
    return mqtt.connectAsync(g.url, {
      clientId: g.gatewayId,
      username: g.username,
      password: g.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
  }

  it('provisioned gateways connect with their own credentials; anonymous and wrong passwords are refused', async () => {
    const g = await provisionGateway();
    const c = await connectGateway(g);
    expect(c.connected).toBe(true);
    await c.endAsync();
    await expect(
      mqtt.connectAsync(g.url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'anon' }),
    ).rejects.toThrow();
    await expect(connectGateway({ ...g, password: 'wrong' })).rejects.toThrow();
  });

  it("a gateway's uplink reaches the server; another gateway cannot write into or read its subtree", async () => {
    const a = await provisionGateway();
    const b = await provisionGateway();
    const seen: string[] = [];
    await server.mqtt.subscribe(`baken/v1/gw/+/events`, (topic, payload) => {
      seen.push(`${topic} ${payload.toString()}`);
    });
    const ca = await connectGateway(a);
    const cb = await connectGateway(b);
    // b listens on a's downlink (refused by the ACL) and tries to publish as a.
    const stolen: string[] = [];
    cb.on('message', (t) => stolen.push(t));
    await cb.subscribeAsync(`baken/v1/gw/${a.gatewayId}/ack`);
    await cb.publishAsync(`baken/v1/gw/${a.gatewayId}/events`, '{"forged":true}', { qos: 1 });
    await ca.publishAsync(`baken/v1/gw/${a.gatewayId}/events`, '{"real":true}', { qos: 1 });
    await server.mqtt.publish(`baken/v1/gw/${a.gatewayId}/ack`, '{"v":1,"ids":[]}', { qos: 1 });
    // QoS 1 round trips through the same broker are ordered per connection; a final marker from a
    // proves the broker has handled everything sent before it.
    await ca.publishAsync(`baken/v1/gw/${a.gatewayId}/events`, '{"marker":true}', { qos: 1 });
    const marker = `baken/v1/gw/${a.gatewayId}/events {"marker":true}`;
    for (let i = 0; i < 200 && !seen.includes(marker); i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([`baken/v1/gw/${a.gatewayId}/events {"real":true}`, marker]);
    expect(stolen).toEqual([]);
    await ca.endAsync();
    await cb.endAsync();
  });

  it('the same flow as on the embedded broker: an alarm is ingested, acknowledged at application level, and in the inbox', async () => {
    const g = await provisionGateway();
    const c = await connectGateway(g);
    const acks: string[][] = [];
    c.on('message', (topic, payload) => {
      if (topic.endsWith('/ack')) acks.push(JSON.parse(payload.toString()).ids);
    });
    await c.subscribeAsync(`baken/v1/gw/${g.gatewayId}/ack`, { qos: 1 });
    const alarm = {
      ...MQTT_EXAMPLE_EVENTS[0]!,
      id: `evt-${randomBytes(6).toString('hex')}`,
      gatewayId: g.gatewayId,
      receivedAt: Date.now(),
    };
    await c.publishAsync(`baken/v1/gw/${g.gatewayId}/events`, JSON.stringify(alarm), { qos: 1 });
    for (let i = 0; i < 300 && acks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(acks).toEqual([[alarm.id]]);
    const inbox = await server.app.inject({ url: '/api/v1/alarms', headers: adminAuth });
    expect(inbox.json().items.map((a: { eventId: string }) => a.eventId)).toContain(alarm.id);
    await c.endAsync();
  });
});
