import { type Clock, MockClock, type TimerHandle } from '@baken/hardware';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { gatewayCheck } from './gateway-checks.js';
import type { Notifier, NotifyResult } from './sd-notify.js';
import { type HealthCheck, Watchdog } from './watchdog.js';

const WATCHDOG_MS = 30_000;
const log = pino({ level: 'silent' });

/**
 * The gateway's clock, which a test can stall: `stall(ms)` lets time pass without running any timer,
 * as a blocked event loop does; afterwards every due timer fires late, reading the true time.
 */
class StallableClock implements Clock {
  readonly inner = new MockClock();
  #offset = 0;
  stall(ms: number): void {
    this.#offset += ms;
  }
  now(): number {
    return this.inner.now() + this.#offset;
  }
  monotonic(): number {
    return this.inner.monotonic() + this.#offset;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms);
  }
  clearTimeout(h: TimerHandle | undefined): void {
    this.inner.clearTimeout(h);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.inner.setInterval(fn, ms);
  }
  clearInterval(h: TimerHandle | undefined): void {
    this.inner.clearInterval(h);
  }
  sleep(ms: number): Promise<void> {
    return this.inner.sleep(ms);
  }
}

/**
 * systemd's side of the notify socket: records messages and, once READY=1 arrived, restarts the unit
 * ("fires") when no WATCHDOG=1 came within WatchdogSec. It lives outside the gateway's loop, so it
 * reads the true time of the stallable clock.
 */
class FakeSystemd implements Notifier {
  readonly messages: Record<string, string>[] = [];
  fired = false;
  #lastPing: number | undefined;
  constructor(readonly clock: StallableClock) {}
  async notify(fields: Readonly<Record<string, string>>): Promise<NotifyResult> {
    this.check();
    this.messages.push({ ...fields });
    if (fields['READY'] === '1' || fields['WATCHDOG'] === '1') this.#lastPing = this.clock.monotonic();
    return { ok: true };
  }
  /** What systemd's own timer would have noticed by now. */
  check(): boolean {
    if (this.#lastPing !== undefined && this.clock.monotonic() - this.#lastPing > WATCHDOG_MS)
      this.fired = true;
    return this.fired;
  }
  count(key: string): number {
    return this.messages.filter((m) => key in m).length;
  }
}

function rig(checks: HealthCheck[] = []) {
  const clock = new StallableClock();
  const systemd = new FakeSystemd(clock);
  const watchdog = new Watchdog(clock, systemd, checks, log, { watchdogMs: WATCHDOG_MS });
  return { clock, systemd, watchdog };
}

describe('Watchdog (systemd WatchdogSec, injected clock)', () => {
  it('sends READY=1 at start and WATCHDOG=1 every half period while healthy; systemd never fires', () => {
    const { clock, systemd, watchdog } = rig();
    watchdog.start();
    expect(systemd.messages[0]).toMatchObject({ READY: '1' });
    for (let i = 0; i < 600; i++) {
      clock.inner.advance(1_000);
      expect(systemd.check()).toBe(false);
    }
    expect(systemd.count('WATCHDOG')).toBe(40);
    watchdog.stop();
    expect(systemd.messages.at(-1)).toMatchObject({ STOPPING: '1' });
    clock.inner.advance(60_000);
    expect(systemd.count('WATCHDOG')).toBe(40);
  });

  it('a loop that stalls longer than WatchdogSec is restarted: nothing is sent while it is blocked', () => {
    const { clock, systemd, watchdog } = rig();
    watchdog.start();
    clock.inner.advance(20_000);
    clock.stall(45_000);
    expect(systemd.check()).toBe(true);
  });

  it('a loop that keeps stalling for seconds at a time withholds every ping, so systemd fires', () => {
    const { clock, systemd, watchdog } = rig();
    watchdog.start();
    clock.inner.advance(15_000);
    const before = systemd.count('WATCHDOG');
    // blocked 12 s out of every 13 s: each ping timer still runs, but late; the lag check refuses
    for (let i = 0; i < 31; i++) {
      clock.stall(12_000);
      clock.inner.advance(1_000);
      systemd.check();
    }
    expect(systemd.count('WATCHDOG')).toBe(before);
    expect(systemd.fired).toBe(true);
    expect(watchdog.state.reasons[0]).toMatch(/event loop stalled for 12 s/);
    expect(systemd.messages.some((m) => m['STATUS']?.startsWith('unhealthy: event loop stalled'))).toBe(true);
  });

  it('one late sample below the limit does not withhold a ping', () => {
    const { clock, systemd, watchdog } = rig();
    watchdog.start();
    clock.inner.advance(5_000);
    clock.stall(4_000);
    clock.inner.advance(60_000);
    expect(systemd.fired).toBe(false);
    expect(watchdog.state.withheld).toBe(0);
  });

  it('an unhealthy gateway (its outbox stopped taking entries) withholds the ping and says why; it pings again once healthy', () => {
    const health = {
      ok: true,
      outbox: { ok: true, storage: { state: 'ok' } },
      uplink: { running: true, stuck: false },
    };
    const { clock, systemd, watchdog } = rig([gatewayCheck({ health: () => health })]);
    watchdog.start();
    clock.inner.advance(30_000);
    health.ok = false;
    health.outbox = { ok: false, storage: { state: 'read-only' } };
    for (let i = 0; i < 40; i++) {
      clock.inner.advance(1_000);
      systemd.check();
    }
    expect(systemd.fired).toBe(true);
    expect(systemd.messages.at(-1)?.['STATUS']).toBe(
      'unhealthy: gateway: outbox not taking entries (disk read-only)',
    );
    health.ok = true;
    health.outbox = { ok: true, storage: { state: 'read-only' } };
    clock.inner.advance(15_000);
    expect(systemd.messages.at(-1)).toEqual({ WATCHDOG: '1', STATUS: 'running' });
  });

  it('a check that throws counts as unhealthy', () => {
    const { clock, watchdog } = rig([{ name: 'boom', check: () => JSON.parse('{') }]);
    watchdog.start();
    clock.inner.advance(15_000);
    expect(watchdog.state.healthy).toBe(false);
    expect(watchdog.state.reasons[0]).toMatch(/^boom: check failed/);
  });

  it('without WATCHDOG_USEC it only says READY=1 and STOPPING=1', () => {
    const clock = new StallableClock();
    const systemd = new FakeSystemd(clock);
    const watchdog = new Watchdog(clock, systemd, [], log);
    watchdog.start();
    clock.inner.advance(600_000);
    watchdog.stop();
    expect(systemd.messages.map((m) => Object.keys(m)[0])).toEqual(['READY', 'STOPPING']);
  });
});

describe('gatewayCheck', () => {
  it('names a hung uplink attempt', () => {
    const check = gatewayCheck({
      health: () => ({
        ok: false,
        outbox: { ok: true, storage: { state: 'ok' } },
        uplink: { running: true, stuck: true },
      }),
    });
    expect(check.check()).toEqual({ ok: false, reason: 'uplink connection attempt hung' });
  });
});
