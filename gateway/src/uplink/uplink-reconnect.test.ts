import { once } from 'node:events';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBroker, unusedPort } from '../testing/test-broker.js';
import { Uplink, type UplinkOptions } from './uplink.js';

const log = pino({ level: 'silent' });

/**
 * Reconnect time after an outage, on the injected clock: each step fires exactly the next timer and
 * waits for what it started (a TCP reachability check or a connection attempt) to end.
 */
describe('Uplink reconnects within seconds after an outage ends', () => {
  let clock: MockClock;
  let port: number;
  let broker: TestBroker;
  let uplink: Uplink | undefined;

  const make = (opts: Partial<UplinkOptions> = {}): Uplink => {
    uplink = new Uplink(
      {
        gatewayId: 'gw-reconnect-1',
        primaryUrl: `mqtt://127.0.0.1:${port}`,
        failoverAfterMs: 3_600_000,
        probeIntervalMs: 60_000,
        backoff: { initialMs: 1_000, maxMs: 60_000 },
        keepaliveS: 30,
        connectTimeoutMs: 5_000,
        random: () => 0.5,
        ...opts,
      },
      clock,
      log,
    );
    return uplink;
  };
  /** Fires the next timer and waits for the check or attempt it started; returns which. */
  const step = (u: Uplink): Promise<string> => {
    const ended = new Promise<string>((resolve) => {
      const handlers = {
        'reach-check': (ok: boolean) => finish(ok ? 'reachable' : 'unreachable'),
        'attempt-failed': () => finish('failed'),
        connected: () => finish('connected'),
        'link-up': () => finish('link-up'),
      };
      const finish = (what: string): void => {
        u.off('reach-check', handlers['reach-check']);
        u.off('attempt-failed', handlers['attempt-failed']);
        u.off('connected', handlers.connected);
        u.off('link-up', handlers['link-up']);
        resolve(what);
      };
      u.on('reach-check', handlers['reach-check']);
      u.on('attempt-failed', handlers['attempt-failed']);
      u.on('connected', handlers.connected);
      u.on('link-up', handlers['link-up']);
    });
    clock.advance(clock.nextTimerIn() ?? 0);
    return ended;
  };
  /** Lets the back-off grow: `n` failed attempts while the broker is down. */
  const failAttempts = async (u: Uplink, n: number): Promise<void> => {
    let failures = 0;
    u.on('attempt-failed', () => failures++);
    const first = once(u, 'attempt-failed');
    u.start();
    await first;
    while (failures < n) await step(u);
  };

  beforeEach(async () => {
    clock = new MockClock();
    port = await unusedPort();
    broker = new TestBroker();
  });
  afterEach(async () => {
    await uplink?.stop();
    uplink = undefined;
    await broker.stop();
  });

  it('resets the back-off when the broker accepts TCP again: connected ≤ 2 s after it returns', async () => {
    const u = make();
    await failAttempts(u, 7); // the next wait is now 32–64 s
    expect(clock.nextTimerIn()).toBeLessThanOrEqual(2_000); // a reachability check, not the retry
    await broker.start(port);
    const t0 = clock.monotonic();
    const seen: string[] = [];
    while (!u.connected && clock.monotonic() - t0 < 120_000) seen.push(await step(u));
    expect(u.connected).toBe(true);
    expect(seen).toEqual(['reachable', 'connected']);
    expect(clock.monotonic() - t0).toBeLessThanOrEqual(2_000);
  });

  it('linkUp() (a network-up event) connects at once, with jitter of up to 1 s', async () => {
    const u = make({ reachCheckMs: 0 });
    await failAttempts(u, 6);
    expect(clock.nextTimerIn()).toBeGreaterThan(10_000);
    await broker.start(port);
    u.linkUp('network up');
    expect(clock.nextTimerIn()).toBe(500); // reconnectSpreadMs 1 s × random 0.5
    expect(await step(u)).toBe('connected');
  });

  it('caps the wait between attempts while unsent alarms wait', async () => {
    let urgent = false;
    const u = make({ reachCheckMs: 0, urgent: () => urgent, urgentMaxMs: 3_000 });
    await failAttempts(u, 6);
    expect(clock.nextTimerIn()).toBeGreaterThan(10_000);
    urgent = true;
    clock.advance(clock.nextTimerIn()!);
    await once(u, 'attempt-failed');
    for (let i = 0; i < 5; i++) {
      const wait = clock.nextTimerIn()!;
      expect(wait).toBeLessThanOrEqual(3_000);
      expect(wait).toBeGreaterThanOrEqual(1_500);
      expect(await step(u)).toBe('failed');
    }
  });

  it('keeps backing off when the broker accepts TCP but refuses the session (no hammering)', async () => {
    const u = make();
    await failAttempts(u, 5);
    // something answers TCP on the port but never speaks MQTT: the check says reachable once
    const { createServer } = await import('node:net');
    const mute = createServer((s) => s.destroy());
    await new Promise<void>((r) => mute.listen(port, '127.0.0.1', () => r()));
    try {
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) seen.push(await step(u));
      expect(seen.filter((s) => s === 'reachable')).toHaveLength(1);
      expect(seen).toContain('failed');
      expect(clock.nextTimerIn()).toBeGreaterThanOrEqual(500);
    } finally {
      await new Promise<void>((r) => mute.close(() => r()));
    }
  });

  it('health(): running, not stuck while merely down; down since the first failure', async () => {
    const u = make({ reachCheckMs: 0 });
    await failAttempts(u, 2);
    expect(u.health()).toMatchObject({ running: true, connected: false, stuck: false });
    expect(u.health().downSinceMs).not.toBeNull();
    expect(u.isHealthy()).toBe(true);
  });
});
