import { topicFor } from '@baken/protocols';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { testConfig } from '../testing/test-app.js';
import { type OfflineQueueStore, skipOfflineQueueWhileUnused } from './offline-queue.js';

function recording(): OfflineQueueStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    addSubscriptions: async () => void calls.push('add'),
    subscriptionsByTopic: async (t: string) => {
      calls.push(`match ${t}`);
      return [{ clientId: 'c', topic: t, qos: 1 }];
    },
    outgoingEnqueueCombi: async (subs: unknown[]) => void calls.push(`enqueue ${subs.length}`),
  };
}

describe('skipOfflineQueueWhileUnused', () => {
  it('answers no stored subscription without a match until one is stored, then asks the persistence', async () => {
    const p = recording();
    const unused = skipOfflineQueueWhileUnused(p);
    expect(await p.subscriptionsByTopic('baken/v1/gw/gw-a1/events')).toEqual([]);
    await p.outgoingEnqueueCombi([], {});
    expect(p.calls).toEqual([]);
    expect(unused()).toBe(true);
    await p.addSubscriptions({ id: 'c' }, [{ topic: 'x', qos: 1 }]);
    expect(unused()).toBe(false);
    expect(await p.subscriptionsByTopic('x')).toHaveLength(1);
    await p.outgoingEnqueueCombi([{}], {});
    expect(p.calls).toEqual(['add', 'match x', 'enqueue 1']);
  });
});

describe('the offline queue on the embedded broker', () => {
  it('clean sessions skip it; a persistent session still gets what was published while it was away', async () => {
    const s = await startServer({
      config: testConfig(),
      clock: new ManualClock(),
      logger: createLogger('silent'),
    });
    const gw = 'gw-offline-01';
    await s.app.baken.repos.gateways.create({
      id: gw,
      homeId: null,
      serial: null,
      createdAt: 0,
      revokedAt: null,
      mqttPasswordHash: s.app.baken.machineCredentials.hash('pw-offline-00001'),
    });
    const connect = (clean: boolean) =>
      mqtt.connectAsync(s.mqttUrl, {
        clientId: gw,
        username: gw,
        password: 'pw-offline-00001',
        protocolVersion: 4,
        reconnectPeriod: 0,
        clean,
      });
    try {
      const c1 = await connect(true);
      await c1.subscribeAsync(topicFor('ack', gw), { qos: 1 });
      await c1.endAsync();
      expect(s.broker!.offlineQueueUnused()).toBe(true);

      const c2 = await connect(false);
      await c2.subscribeAsync(topicFor('ack', gw), { qos: 1 });
      await c2.endAsync();
      expect(s.broker!.offlineQueueUnused()).toBe(false);
      await s.mqtt.publish(topicFor('ack', gw), '{"v":1,"ids":["queued-while-away"]}', { qos: 1 });

      const got: string[] = [];
      // the queued message comes right after CONNACK: listen before connecting
      const c3 = mqtt.connect(s.mqttUrl, {
        clientId: gw,
        username: gw,
        password: 'pw-offline-00001',
        protocolVersion: 4,
        reconnectPeriod: 0,
        clean: false,
      });
      c3.on('message', (_t, p) => got.push(p.toString()));
      await expect.poll(() => got).toEqual(['{"v":1,"ids":["queued-while-away"]}']);
      await c3.endAsync();
    } finally {
      await s.close();
    }
  });
});
