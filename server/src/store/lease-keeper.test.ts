import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { LocalLease } from './lease.js';
import { LeaseKeeper } from './lease-keeper.js';

/** A lease whose store can be made unreachable (the database down or cut off). */
class FlakyLease extends LocalLease {
  down = false;
  override tryAcquireNow(holder: string, ttlMs: number): boolean {
    if (this.down) throw new Error('connection terminated');
    return super.tryAcquireNow(holder, ttlMs);
  }
}

describe('LeaseKeeper when the store fails', () => {
  it('keeps running the work until its own view runs out, reports each failure, and takes it back after', async () => {
    const clock = new ManualClock(1_765_432_100_000);
    const lease = new FlakyLease('health.sweep', clock);
    const errors: unknown[] = [];
    const keeper = new LeaseKeeper(lease, 'a', clock, { intervalMs: 4000, onError: (e) => errors.push(e) });
    keeper.start();
    await keeper.idle();
    expect(keeper.held()).toBe(true); // until now + 3000
    lease.down = true;
    clock.advance(1000);
    await keeper.idle();
    expect(errors).toHaveLength(1);
    clock.advance(1999);
    await keeper.idle();
    expect(keeper.held()).toBe(true);
    clock.advance(1);
    await keeper.idle();
    expect(keeper.held()).toBe(false); // no longer sure: stop before another instance could start
    lease.down = false;
    clock.advance(1000);
    await keeper.idle();
    expect(keeper.held()).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    await keeper.stop();
    expect(clock.pending).toBe(0);
    expect(await lease.holder()).toBeNull();
  });

  it('tries once per tick even when the store is slow: a try in flight is not doubled', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    let finish: (v: boolean) => void = () => undefined;
    const slow = {
      name: 'x',
      tryAcquire: () => {
        calls++;
        return new Promise<boolean>((resolve) => {
          finish = resolve;
        });
      },
      renew: async () => false,
      release: async () => undefined,
      holder: async () => null,
    };
    const keeper = new LeaseKeeper(slow, 'a', clock, { intervalMs: 400 });
    keeper.start();
    clock.advance(100);
    clock.advance(100);
    expect(calls).toBe(1);
    finish(true);
    await keeper.idle();
    clock.advance(100);
    expect(calls).toBe(2);
    finish(false);
    await keeper.stop();
  });
});
