import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBroker } from '../testing/test-broker.js';
import { openSession } from './mqtt-session.js';

/** mqtt-packet's packet writer (a CommonJS module shared by every mqtt.js client in the process). */
const writeToStream = createRequire(import.meta.url)('mqtt-packet').writeToStream as {
  cacheNumbers: boolean;
};

describe('openSession', () => {
  const brokers: TestBroker[] = [];
  afterEach(async () => {
    for (const b of brokers.splice(0)) await b.stop();
  });

  it("does not make mqtt-packet's 65,536-Buffer number cache (6 MB of the unit's heap)", async () => {
    const broker = new TestBroker();
    await broker.start();
    brokers.push(broker);
    const client = await openSession({
      url: broker.url,
      clientId: 'gw-session-1',
      keepaliveS: 30,
      connectTimeoutMs: 5_000,
    });
    await client.publishAsync('baken/v1/gw/gw-session-1/heartbeat', '{}', { qos: 1 });
    expect(writeToStream.cacheNumbers).toBe(false);
    await client.endAsync();
  });
});
