import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { LocalLease } from '../store/lease.js';
import { LeaderRole } from './leader-role.js';

const INTERVAL = 4_000;

/** The in-memory lease with a switch that makes its store unreachable. */
class FlakyLease extends LocalLease {
  down = false;
  override tryAcquireNow(holder: string, ttlMs: number): boolean {
    if (this.down) throw new Error('connection terminated');
    return super.tryAcquireNow(holder, ttlMs);
  }
}

function setup() {
  const clock = new ManualClock(1_765_432_100_000);
  const lease = new FlakyLease('alarm-centre.sender', clock);
  const log: string[] = [];
  const role = (id: string) =>
    new LeaderRole(lease, id, clock, {
      intervalMs: INTERVAL,
      onGain: () => log.push(`${id} gains at ${clock.now()}`),
      onLose: () => log.push(`${id} loses at ${clock.now()}`),
      onError: () => undefined,
    });
  return { clock, lease, log, a: role('a'), b: role('b') };
}

describe('LeaderRole', () => {
  it('one of two instances has the role; a clean stop hands it over at the next try', async () => {
    const { clock, log, a, b } = setup();
    const t0 = clock.now();
    a.start();
    b.start();
    clock.advance(3 * INTERVAL);
    expect(log).toEqual([`a gains at ${t0}`]);
    expect([a.leading, b.leading]).toEqual([true, false]);
    await a.stop();
    clock.advance(INTERVAL / 4);
    expect(log.slice(1)).toEqual([
      `a loses at ${t0 + 3 * INTERVAL}`,
      `b gains at ${t0 + 3 * INTERVAL + INTERVAL / 4}`,
    ]);
    await b.stop();
    expect(clock.pending).toBe(0);
  });

  it('a holder that dies passes the role within one interval', async () => {
    const { clock, log, a, b } = setup();
    a.start();
    b.start();
    clock.advance(INTERVAL + 1);
    const diedAt = clock.now();
    log.length = 0;
    await a.stop({ release: false });
    clock.advance(INTERVAL);
    expect(log).toHaveLength(2); // a's own stop, then b's gain
    const gained = Number(log[1]!.split(' at ')[1]);
    expect(log[1]).toMatch(/^b gains/);
    expect(gained - diedAt).toBeLessThanOrEqual(INTERVAL);
    await b.stop();
  });

  it('cut off from the store, the holder gives the role up when its own view ends, before the lease could pass', () => {
    const { clock, lease, log, a } = setup();
    const t0 = clock.now();
    a.start();
    clock.advance(INTERVAL / 4);
    lease.down = true; // the last good renewal was at t0 + INTERVAL/4, for 3/4 INTERVAL
    clock.advance(2 * INTERVAL);
    expect(log).toEqual([`a gains at ${t0}`, `a loses at ${t0 + INTERVAL / 4 + (3 * INTERVAL) / 4}`]);
    lease.down = false;
    clock.advance(INTERVAL / 4);
    expect(log.at(-1)).toMatch(/^a gains/);
    void a.stop();
  });
});
