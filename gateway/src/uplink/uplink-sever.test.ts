import { once } from 'node:events';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { availabilityWill, topicFor } from '@baken/protocols';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBroker, TestSubscriber, until } from '../testing/test-broker.js';
import { Uplink } from './uplink.js';

const GW = 'gw-sever-1';

/** `sever()`: a cut cable for fault injection — the broker sees no DISCONNECT and fires the will. */
describe('Uplink.sever', () => {
  let broker = new TestBroker();
  let sub = new TestSubscriber(false);
  let uplink: Uplink | undefined;
  const clock = new MockClock();
  afterEach(async () => {
    await uplink?.stop();
    await sub.close();
    await broker.stop();
  });

  const start = async (): Promise<Uplink> => {
    broker = new TestBroker();
    sub = new TestSubscriber(false);
    await broker.start();
    await sub.connect(broker.url);
    uplink = new Uplink(
      {
        gatewayId: GW,
        primaryUrl: broker.url,
        failoverAfterMs: 3_600_000,
        probeIntervalMs: 60_000,
        backoff: { initialMs: 100, maxMs: 200 },
        keepaliveS: 30,
        connectTimeoutMs: 5_000,
      },
      clock,
      pino({ level: 'silent' }),
    );
    const connected = once(uplink, 'connected');
    uplink.start();
    await connected;
    return uplink;
  };
  const offlineWills = () =>
    sub
      .received('availability')
      .filter((m) => m.topic === topicFor('availability', GW) && m.payload['at'] === null);

  it('without reconnect: the broker publishes the last will and the uplink stays down', async () => {
    const u = await start();
    u.sever({ reconnect: false });
    await until(() => offlineWills().length === 1, 'last will');
    expect(offlineWills()[0]?.payload).toEqual(JSON.parse(availabilityWill(GW).payload));
    expect(u.connected).toBe(false);
    expect(u.health().running).toBe(false);
  });

  it('with reconnect: the will fires, then the uplink connects again by itself', async () => {
    const u = await start();
    const lost = once(u, 'disconnected');
    u.sever({ reconnect: true });
    await lost;
    const again = once(u, 'connected');
    clock.advance(clock.nextTimerIn() ?? 0); // the back-off wait, on the injected clock
    await again;
    await until(() => offlineWills().length === 1, 'last will');
    expect(u.connected).toBe(true);
  });
});
