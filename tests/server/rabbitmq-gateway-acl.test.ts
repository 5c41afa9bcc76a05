import { randomBytes } from 'node:crypto';
import { RabbitmqGatewayUsers } from '@baken/server/broker/rabbitmq/rabbitmq-users';
import amqp from 'amqplib';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needRabbitmq, RABBIT_ADMIN, type RabbitCluster, startRabbitCluster } from '../support/rabbitmq.js';

const hasRabbit = needRabbitmq();

/**
 * Gateway users made from the registry on a real RabbitMQ node (its MQTT plugin enforcing them):
 * a gateway reaches only its own topics, a wrong password or a revoked gateway is refused, and a
 * revoked gateway's open connection is closed (docs/adr/0001-clustered-broker.md).
 */
describe.skipIf(!hasRabbit)('gateway users and topic permissions on RabbitMQ', () => {
  let cluster: RabbitCluster;
  let users: RabbitmqGatewayUsers;
  let seen: string[];
  let conn: amqp.ChannelModel;
  const pw = { 'gw-acl-a': randomBytes(16).toString('hex'), 'gw-acl-b': randomBytes(16).toString('hex') };

  const connectAs = (username: string, password: string, clientId = username): Promise<MqttClient> =>
    mqtt.connectAsync(cluster.nodes[0]!.mqttUrl, {
      protocolVersion: 4,
      clientId,
      username,
      password,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
  const closed = (c: MqttClient) =>
    new Promise<void>((r) => (c.connected ? c.once('close', () => r()) : r()));
  /** Resolves when the server-side queue has received a message with this routing key. */
  const arrival = async (key: string): Promise<void> => {
    for (let i = 0; i < 200 && !seen.includes(key); i++) await new Promise((r) => setTimeout(r, 25));
    expect(seen).toContain(key);
  };

  beforeAll(async () => {
    cluster = await startRabbitCluster(1);
    users = new RabbitmqGatewayUsers({
      url: cluster.nodes[0]!.managementUrl,
      username: RABBIT_ADMIN.username,
      password: RABBIT_ADMIN.password,
    });
    for (const [id, p] of Object.entries(pw)) await users.issue(id, p);
    // What the server would see: every routing key published under the gateway tree.
    seen = [];
    conn = await amqp.connect(cluster.nodes[0]!.amqpUrl);
    const ch = await conn.createChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(q.queue, 'amq.topic', 'baken.v1.gw.#');
    await ch.consume(q.queue, (m) => m && seen.push(m.fields.routingKey), { noAck: true });
  }, 180_000);

  afterAll(async () => {
    await conn?.close().catch(() => {});
    await cluster?.stop();
  }, 60_000);

  it('lets a gateway publish its uplink and subscribe to its downlink', async () => {
    const a = await connectAs('gw-acl-a', pw['gw-acl-a']);
    const granted = await a.subscribeAsync(['baken/v1/gw/gw-acl-a/ack', 'baken/v1/gw/gw-acl-a/cmd/req'], {
      qos: 1,
    });
    expect(granted.map((g) => g.qos)).toEqual([1, 1]);
    await a.publishAsync('baken/v1/gw/gw-acl-a/events', '{}', { qos: 1 });
    await a.publishAsync('baken/v1/gw/gw-acl-a/cmd/res', '{}', { qos: 1 });
    await arrival('baken.v1.gw.gw-acl-a.cmd.res');
    expect(seen).toContain('baken.v1.gw.gw-acl-a.events');
    // and receives what the server publishes on its downlink
    const got = new Promise<string>((r) => a.once('message', (t) => r(t)));
    const ch = await conn.createChannel();
    ch.publish('amq.topic', 'baken.v1.gw.gw-acl-a.ack', Buffer.from('{}'));
    expect(await got).toBe('baken/v1/gw/gw-acl-a/ack');
    await ch.close();
    await a.endAsync();
  });

  it.each([
    ['another gateway’s uplink', 'baken/v1/gw/gw-acl-b/events'],
    ['its own downlink (impersonating the server)', 'baken/v1/gw/gw-acl-a/ack'],
    ['outside the gateway tree', 'baken/v1/other'],
  ])('closes a gateway that publishes on %s, and nothing is routed', async (_what, topic) => {
    const a = await connectAs('gw-acl-a', pw['gw-acl-a']);
    const gone = closed(a);
    a.publish(topic, '{}', { qos: 1 });
    await gone;
    // A later allowed publish arrives; the refused one never did.
    const again = await connectAs('gw-acl-a', pw['gw-acl-a']);
    const marker = `baken/v1/gw/gw-acl-a/check`;
    await again.publishAsync(marker, '{}', { qos: 1 });
    await arrival('baken.v1.gw.gw-acl-a.check');
    expect(seen).not.toContain(topic.replaceAll('/', '.'));
    seen.length = 0;
    await again.endAsync();
  });

  it.each([
    ['another gateway’s downlink', 'baken/v1/gw/gw-acl-b/ack'],
    ['a wildcard over all gateways', 'baken/v1/gw/+/ack'],
    ['another gateway’s uplink', 'baken/v1/gw/gw-acl-b/events'],
    ['everything', '#'],
  ])('closes a gateway that subscribes to %s', async (_what, filter) => {
    const a = await connectAs('gw-acl-a', pw['gw-acl-a']);
    const gone = closed(a);
    await expect(a.subscribeAsync(filter, { qos: 1 })).rejects.toThrow();
    await gone;
  });

  it('refuses a wrong password and another gateway’s password', async () => {
    await expect(connectAs('gw-acl-a', 'not-the-password')).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
    await expect(connectAs('gw-acl-a', pw['gw-acl-b'])).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
  });

  it('closes a revoked gateway’s open connection and refuses it afterwards', async () => {
    const b = await connectAs('gw-acl-b', pw['gw-acl-b']);
    const gone = closed(b);
    expect(await users.revoke('gw-acl-b')).toBe(true);
    await gone;
    await expect(connectAs('gw-acl-b', pw['gw-acl-b'])).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
    expect(await users.revoke('gw-acl-b')).toBe(false);
  });

  it('reconciles with the registry: removes users the registry no longer holds', async () => {
    await users.issue('gw-acl-c', 'c-password-c-password');
    const r = await users.reconcile(['gw-acl-a', 'gw-acl-d']);
    expect(r.removed).toEqual(['gw-acl-c']);
    expect(r.missing).toEqual(['gw-acl-d']);
    expect((await users.gatewayUsers()).sort()).toEqual(['gw-acl-a']);
    // the administrator (not tagged as a gateway) is never touched
    const a = await connectAs('gw-acl-a', pw['gw-acl-a']);
    await a.endAsync();
  });
});
