import { randomBytes } from 'node:crypto';
import { MQTT_EXAMPLE_EVENTS } from '@baken/protocols';
import { startServer } from '@baken/server';
import { RabbitmqGatewayUsers } from '@baken/server/broker/rabbitmq/rabbitmq-users';
import { testConfig } from '@baken/server/testing/test-app';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAdminAuth } from '../support/first-admin.js';
import { needRabbitmq, RABBIT_ADMIN, type RabbitCluster, startRabbitCluster } from '../support/rabbitmq.js';

const hasRabbit = needRabbitmq();

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The server in clustered mode (`mqtt.broker: rabbitmq`) on a real RabbitMQ node: enrolment makes
 * the gateway's RabbitMQ user, the gateway's alarm reaches the server through the uplink queue, is
 * stored once and acknowledged on `…/ack` only after that (docs/adr/0001-clustered-broker.md).
 */
describe.skipIf(!hasRabbit)('server with mqtt.broker = rabbitmq', () => {
  let cluster: RabbitCluster;
  let server: Awaited<ReturnType<typeof startServer>>;
  let adminAuth: { authorization: string };

  beforeAll(async () => {
    cluster = await startRabbitCluster(1);
    const node = cluster.nodes[0]!;
    const amqp = new URL(node.amqpUrl);
    server = await startServer({
      config: testConfig({
        mqtt: {
          port: 0,
          broker: 'rabbitmq',
          username: RABBIT_ADMIN.username,
          password: RABBIT_ADMIN.password,
          publicUrls: [node.mqttUrl],
          rabbitmq: { amqpUrls: [`amqp://${amqp.host}`], managementUrl: node.managementUrl },
        },
      }),
    });
    expect(server.broker).toBeNull();
    adminAuth = await firstAdminAuth(server);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await cluster?.stop();
  }, 60_000);

  async function provision(): Promise<{
    gatewayId: string;
    username: string;
    password: string;
    urls: string[];
  }> {
    const client = await server.app.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: adminAuth,
      payload: { name: 'Mevrouw Jansen' },
    });
    const home = await server.app.inject({
      method: 'POST',
      url: '/api/v1/homes',
      headers: adminAuth,
      payload: { clientId: client.json().id, address: 'Dorpsstraat 1', city: 'Utrecht', region: 'Utrecht' },
    });
    const tok = await server.app.inject({
      method: 'POST',
      url: `/api/v1/homes/${home.json().id}/enrolment-tokens`,
      headers: adminAuth,
    });
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
    const b = prov.json();
    return {
      gatewayId: b.gatewayId,
      username: b.mqtt.username,
      password: b.mqtt.password,
      urls: b.mqtt.urls,
    };
  }

  it('enrols a gateway on the broker; its alarm is stored once and acked after the commit', async () => {
    const g = await provision();
    expect(g.urls).toEqual([cluster.nodes[0]!.mqttUrl]);
    const c = await mqtt.connectAsync(g.urls[0]!, {
      protocolVersion: 4,
      clientId: g.gatewayId,
      username: g.username,
      password: g.password,
      reconnectPeriod: 0,
    });
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
    // Sent twice (a retransmission): stored once, acked each time.
    await c.publishAsync(`baken/v1/gw/${g.gatewayId}/events`, JSON.stringify(alarm), { qos: 1 });
    await until('the first app ack', () => acks.length >= 1);
    const stored = await server.app.inject({ url: '/api/v1/alarms', headers: adminAuth });
    expect(stored.json().items.map((a: { eventId: string }) => a.eventId)).toContain(alarm.id);
    await c.publishAsync(`baken/v1/gw/${g.gatewayId}/events`, JSON.stringify(alarm), { qos: 1 });
    await until('the second app ack', () => acks.length >= 2);
    expect(acks).toEqual([[alarm.id], [alarm.id]]);
    const inbox = await server.app.inject({ url: '/api/v1/alarms', headers: adminAuth });
    expect(inbox.json().items.filter((a: { eventId: string }) => a.eventId === alarm.id)).toHaveLength(1);
    await c.endAsync();
  });

  it('a gateway the registry revoked loses its broker user at the reconcile', async () => {
    const g = await provision();
    const users = server.app.baken.brokerCredentials;
    expect(users).toBeInstanceOf(RabbitmqGatewayUsers);
    const rabbit = users as RabbitmqGatewayUsers;
    expect(await rabbit.gatewayUsers()).toContain(g.gatewayId);
    await server.app.baken.repos.gateways.revoke(g.gatewayId, Date.now());
    const active = (await server.app.baken.repos.gateways.list()).filter((x) => x.revokedAt === null);
    expect((await rabbit.reconcile(active.map((x) => x.id))).removed).toEqual([g.gatewayId]);
    await expect(
      mqtt.connectAsync(g.urls[0]!, {
        protocolVersion: 4,
        clientId: g.gatewayId,
        username: g.username,
        password: g.password,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
  });
});
