import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../outbox/outbox.js';
import { TestBroker, TestSubscriber, until, unusedPort } from '../testing/test-broker.js';
import { OutboxSender } from './outbox-sender.js';
import { Uplink, type UplinkOptions } from './uplink.js';

const GW = 'gw-test-1';
/** Event ids in the topic map's format (8–64 characters). */
const eid = (name: string): string => `evt-${name}-000000`;
const log = pino({ level: 'silent' });

describe('Uplink + OutboxSender against a real aedes broker', () => {
  let dir: string;
  let clock: MockClock;
  let outbox: Outbox;
  let uplink: Uplink | undefined;
  let sender: OutboxSender | undefined;
  const brokers: TestBroker[] = [];
  const subs: TestSubscriber[] = [];

  const broker = async (port = 0): Promise<TestBroker> => {
    const b = new TestBroker();
    await b.start(port);
    brokers.push(b);
    return b;
  };
  const subscriber = async (url: string, autoAck = true): Promise<TestSubscriber> => {
    const s = new TestSubscriber(autoAck);
    await s.connect(url);
    subs.push(s);
    return s;
  };
  const startGateway = (opts: Partial<UplinkOptions> & { primaryUrl: string }, windowSize = 100): Uplink => {
    uplink = new Uplink(
      {
        gatewayId: GW,
        failoverAfterMs: 10_000,
        probeIntervalMs: 5_000,
        backoff: { initialMs: 1_000, maxMs: 2_000 },
        keepaliveS: 30,
        connectTimeoutMs: 5_000,
        random: () => 0.5,
        ...opts,
      },
      clock,
      log,
    );
    sender = new OutboxSender(outbox, uplink, clock, log, { windowSize, ackTimeoutMs: 30_000 });
    sender.start();
    uplink.start();
    return uplink;
  };
  const insert = (id: string, alarm = false): void => {
    outbox.insert({
      id,
      topic: 'events',
      payload: JSON.stringify({ v: 1, id, alarm }),
      alarm,
      release: 'app-ack',
    });
  };
  /** Fires back-off timers until the uplink connects; each round waits for the attempt to end. */
  const driveUntilConnected = async (u: Uplink): Promise<void> => {
    while (!u.connected) {
      const ended = Promise.race([once(u, 'connected'), once(u, 'attempt-failed')]);
      clock.advance(2_000);
      await ended;
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-uplink-'));
    clock = new MockClock();
    outbox = Outbox.open(join(dir, 'outbox.db'), clock);
  });
  afterEach(async () => {
    sender?.stop();
    await uplink?.stop();
    uplink = undefined;
    sender = undefined;
    for (const s of subs.splice(0)) await s.close();
    for (const b of brokers.splice(0)) await b.stop();
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes events and removes them only on the application-level ack', async () => {
    const b = await broker();
    const sub = await subscriber(b.url, false);
    const u = startGateway({ primaryUrl: b.url });
    await once(u, 'connected');
    for (let i = 0; i < 5; i++) insert(eid(`e${i}`));
    await until(() => sub.received('events').length === 5, '5 events');
    expect(sub.received('events').map((m) => m.payload['id'])).toEqual(
      ['e0', 'e1', 'e2', 'e3', 'e4'].map(eid),
    );
    expect(outbox.depth()).toBe(5); // PUBACK alone removes nothing
    await sub.ack(sub.received('events')[0]!.topic, [eid('e1'), eid('e3')]);
    await until(() => outbox.depth() === 3, 'ack applied');
    expect(outbox.pendingAfter(0, 10).map((e) => e.id)).toEqual(['e0', 'e2', 'e4'].map(eid));
  });

  it('publishes retained availability online, and the last will offline when the socket dies', async () => {
    const b = await broker();
    const u = startGateway({ primaryUrl: b.url });
    await once(u, 'connected');
    const sub = await subscriber(b.url);
    await until(() => sub.received('availability').length === 1, 'retained online');
    expect(sub.received('availability')[0]).toMatchObject({
      retain: true,
      payload: { v: 1, state: 'online' },
    });
    await b.dropClient(GW);
    await until(() => sub.received('availability').length === 2, 'last will');
    expect(sub.received('availability')[1]?.payload).toEqual({ v: 1, state: 'offline', at: null });
  });

  it('queues while the broker is away and drains in order after it returns', async () => {
    const b = await broker();
    const u = startGateway({ primaryUrl: b.url });
    await once(u, 'connected');
    const down = once(u, 'disconnected');
    await b.stop();
    await down;
    for (let i = 0; i < 20; i++) insert(eid(`q${i}`), i % 5 === 0);
    expect(outbox.depth()).toBe(20);
    await b.start(b.port);
    const sub = await subscriber(b.url);
    await driveUntilConnected(u);
    await until(() => outbox.depth() === 0, 'outbox drained');
    const ids = sub.received('events').map((m) => m.payload['id']);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => eid(`q${i}`)));
    // availability was re-published on reconnect to the fresh broker
    expect(sub.received('availability').at(-1)?.payload).toMatchObject({ state: 'online' });
  });

  it('resends the unacknowledged window on reconnect, and publishes an alarm at once past a full window', async () => {
    const b = await broker();
    const sub = await subscriber(b.url, false);
    const u = startGateway({ primaryUrl: b.url }, 3);
    await once(u, 'connected');
    for (let i = 0; i < 6; i++) insert(eid(`n${i}`));
    await until(() => sub.received('events').length === 3, 'window of 3');
    const t0 = performance.now();
    insert(eid('alarm1'), true);
    await until(() => sub.received('events').some((m) => m.payload['id'] === eid('alarm1')), 'alarm');
    expect(performance.now() - t0).toBeLessThan(100);
    expect(sub.received('events').map((m) => m.payload['id'])).toEqual(['n0', 'n1', 'n2', 'alarm1'].map(eid));
    await b.dropClient(GW);
    await once(u, 'disconnected');
    sub.messages.length = 0;
    await driveUntilConnected(u);
    await until(() => sub.received('events').length >= 3, 'resent window');
    expect(sub.received('events').map((m) => m.payload['id'])).toEqual(['n0', 'n1', 'n2'].map(eid));
  });

  it('fails over to the secondary after the configured time and fails back when the primary returns', async () => {
    const primaryPort = await unusedPort();
    const secondary = await broker();
    const subB = await subscriber(secondary.url);
    const u = startGateway({ primaryUrl: `mqtt://127.0.0.1:${primaryPort}`, secondaryUrl: secondary.url });
    const attempts: { path: string; at: number }[] = [];
    u.on('attempt-failed', (path) => attempts.push({ path, at: clock.monotonic() }));
    await once(u, 'attempt-failed');
    const firstFailure = clock.monotonic();
    await driveUntilConnected(u);
    expect(u.path).toBe('secondary');
    expect(clock.monotonic() - firstFailure).toBeGreaterThanOrEqual(10_000);
    expect(attempts.every((a) => a.path === 'primary')).toBe(true);
    insert(eid('secondary'), true);
    await until(() => outbox.depth() === 0, 'acked via secondary');
    expect(subB.received('events').map((m) => m.payload['id'])).toEqual([eid('secondary')]);

    const primary = await broker(primaryPort);
    const subA = await subscriber(primary.url);
    const back = once(u, 'connected');
    clock.advance(5_000); // probe interval
    const [path] = await back;
    expect(path).toBe('primary');
    expect(u.failedOver).toBe(false);
    insert(eid('primary'));
    await until(() => outbox.depth() === 0, 'acked via primary');
    expect(subA.received('events').map((m) => m.payload['id'])).toEqual([eid('primary')]);
  });
});
