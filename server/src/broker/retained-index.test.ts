import { topicFor } from '@baken/protocols';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { testConfig } from '../testing/test-app.js';
import { filterMatches, RetainedIndex, type RetainedPacket } from './retained-index.js';

const packet = (topic: string, payload = 'x'): RetainedPacket => ({ topic, payload: Buffer.from(payload) });
async function collect(s: AsyncIterable<unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of s) out.push((p as RetainedPacket).topic);
  return out;
}

describe('filterMatches [MQTT-4.7]', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['+/b', 'a/b', true],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/b', 'a/c', false],
  ])('%s against %s → %s', (f, t, want) => expect(filterMatches(f, t)).toBe(want));
});

describe('RetainedIndex', () => {
  it('an exact filter is one lookup whatever the number retained; a wildcard scans', async () => {
    const idx = new RetainedIndex();
    for (let i = 0; i < 5000; i++) {
      await idx.storeRetained(packet(`baken/v1/gw/gw-${i}/availability`));
      await idx.storeRetained(packet(`baken/v1/gw/gw-${i}/config`));
    }
    const gw = 'gw-4242';
    const mine = ['ack', 'cmd/req', 'config'].map((t) => `baken/v1/gw/${gw}/${t}`);
    expect(await collect(idx.createRetainedStreamCombi(mine))).toEqual([`baken/v1/gw/${gw}/config`]);
    expect(idx.scanned).toBe(0);
    expect(await collect(idx.createRetainedStream('baken/v1/gw/+/availability'))).toHaveLength(5000);
    expect(idx.scanned).toBe(10_000);
  });

  it('an empty retained payload deletes; a new one replaces; the stored packet is a copy', async () => {
    const idx = new RetainedIndex();
    const p = packet('t/1', 'one');
    await idx.storeRetained(p);
    p.topic = 'changed';
    await idx.storeRetained(packet('t/1', 'two'));
    const [got] = await (async () => {
      const out: RetainedPacket[] = [];
      for await (const x of idx.createRetainedStream('t/1')) out.push(x as RetainedPacket);
      return out;
    })();
    expect(got?.payload.toString()).toBe('two');
    await idx.storeRetained(packet('t/1', ''));
    expect(idx.size).toBe(0);
    expect(await collect(idx.createRetainedStream('t/#'))).toEqual([]);
  });
});

describe('retained messages on the embedded broker', () => {
  it("a gateway's SUBSCRIBE gets its own retained config and no one else's", async () => {
    const s = await startServer({
      config: testConfig(),
      clock: new ManualClock(),
      logger: createLogger('silent'),
    });
    const gw = 'gw-retained-01';
    await s.app.baken.repos.gateways.create({
      id: gw,
      homeId: null,
      serial: null,
      createdAt: 0,
      revokedAt: null,
      mqttPasswordHash: s.app.baken.machineCredentials.hash('pw-retained-0001'),
    });
    await s.mqtt.publish(topicFor('config', gw), '{"mine":1}', { qos: 1, retain: true });
    await s.mqtt.publish(topicFor('config', 'gw-other-01'), '{"other":1}', { qos: 1, retain: true });
    const c = await mqtt.connectAsync(s.mqttUrl, {
      clientId: gw,
      username: gw,
      password: 'pw-retained-0001',
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const got: string[] = [];
      c.on('message', (_t, p) => got.push(p.toString()));
      await c.subscribeAsync([topicFor('config', gw), topicFor('ack', gw)], { qos: 1 });
      await expect.poll(() => got).toEqual(['{"mine":1}']);
      // exact topics: looked up, not matched against every retained message
      expect(s.broker!.retained.scanned).toBe(0);
      expect(s.broker!.retained.size).toBeGreaterThanOrEqual(2);
    } finally {
      await c.endAsync();
      await s.close();
    }
  });
});
