import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  gatewayPermissions,
  gatewayTopicPermissions,
  routingKeyOf,
  serverTopicPermissions,
  topicOfRoutingKey,
} from './rabbitmq-acl.js';
import { RABBITMQ_ENABLED_PLUGINS, rabbitmqConfText } from './rabbitmq-config.js';
import { rabbitPasswordHash } from './rabbitmq-users.js';

const key = (t: string) => routingKeyOf(`baken/v1/gw/${t}`);

describe('RabbitMQ permissions for a gateway', () => {
  const topic = gatewayTopicPermissions('home-0042');
  const write = new RegExp(topic.write);
  const read = new RegExp(topic.read);

  it('maps MQTT topics to routing keys as the MQTT plugin does', () => {
    expect(routingKeyOf('baken/v1/gw/home-0042/cmd/res')).toBe('baken.v1.gw.home-0042.cmd.res');
    expect(topicOfRoutingKey('baken.v1.gw.home-0042.cmd.res')).toBe('baken/v1/gw/home-0042/cmd/res');
  });

  it('writes exactly its own uplink [MQTT-MAP §3]', () => {
    for (const t of ['events', 'heartbeat', 'availability', 'cmd/res', 'check'])
      expect(write.test(key(`home-0042/${t}`))).toBe(true);
    for (const k of [
      key('home-0043/events'),
      key('home-0042/ack'),
      key('home-0042/config'),
      key('home-0042/eventsX'),
      key('home-00420/events'),
      'baken.v1.gw.home-0042.cmdXres',
      'other',
    ])
      expect(write.test(k), k).toBe(false);
  });

  it('reads exactly its own downlink', () => {
    for (const t of ['ack', 'cmd/req', 'config']) expect(read.test(key(`home-0042/${t}`))).toBe(true);
    for (const k of [key('home-0043/ack'), key('home-0042/events'), 'baken.v1.gw.*.ack', 'baken.v1.gw.#'])
      expect(read.test(k), k).toBe(false);
  });

  it('configures only its own subscription queues (client id or fail-back probe)', () => {
    const c = new RegExp(gatewayPermissions('home-0042').configure);
    expect(c.test('mqtt-subscription-home-0042qos1')).toBe(true);
    expect(c.test('mqtt-subscription-home-0042-probeqos0')).toBe(true);
    expect(c.test('mqtt-subscription-home-0043qos1')).toBe(false);
    expect(c.test('amq.topic')).toBe(false);
  });

  it('refuses ids that are not gateway ids', () => {
    for (const id of ['a.b', 'HOME', '.*', 'x'])
      expect(() => gatewayTopicPermissions(id)).toThrow(
        expect.objectContaining({ code: 'BAKEN_ERR_VALIDATION' }),
      );
  });

  it('lets the server bind uplink of all gateways and publish downlink only', () => {
    const s = serverTopicPermissions();
    expect(new RegExp(s.read).test('baken.v1.gw.*.events')).toBe(true);
    expect(new RegExp(s.read).test('baken.v1.gw.*.ack')).toBe(false);
    expect(new RegExp(s.write).test(key('home-0042/ack'))).toBe(true);
    expect(new RegExp(s.write).test(key('home-0042/events'))).toBe(false);
  });
});

describe('RabbitMQ password hash', () => {
  it('is base64(salt ‖ SHA-256(salt ‖ password)), never the password', () => {
    const salt = Buffer.from('a1b2c3d4', 'hex');
    const h = Buffer.from(rabbitPasswordHash('secret', salt), 'base64');
    expect(h.subarray(0, 4)).toEqual(salt);
    expect(h.subarray(4)).toEqual(createHash('sha256').update(salt).update('secret').digest());
    expect(rabbitPasswordHash('secret')).not.toBe(rabbitPasswordHash('secret'));
  });
});

describe('rabbitmq.conf', () => {
  it('has MQTT without anonymous access and private AMQP and management listeners', () => {
    const conf = rabbitmqConfText({
      mqttListener: { port: 1883 },
      amqpListener: { port: 5672, host: '10.0.0.5' },
      managementListener: { port: 15672, host: '10.0.0.5' },
    });
    expect(conf).toContain('mqtt.listeners.tcp.default = 1883\n');
    expect(conf).toContain('mqtt.allow_anonymous = false\n');
    expect(conf).toContain('listeners.tcp.default = 10.0.0.5:5672\n');
    expect(conf).toContain('management.tcp.ip = 10.0.0.5\n');
    expect(RABBITMQ_ENABLED_PLUGINS).toContain('rabbitmq_mqtt');
  });
});
