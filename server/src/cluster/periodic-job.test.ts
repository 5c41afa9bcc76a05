import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type Lease, LocalLease } from '../store/lease.js';
import { PeriodicJob } from './periodic-job.js';
import { periodicJobContract } from './testing-periodic.js';

// One process: every instance of a name shares that name's one in-memory lease.
const local = new Map<string, LocalLease>();
const shared = (name: string, clock: ManualClock): LocalLease => {
  let l = local.get(name);
  if (!l) {
    l = new LocalLease(name, clock);
    local.set(name, l);
  }
  return l;
};
periodicJobContract('the in-memory lease', shared);

/** The same lease answering only after I/O, as a database does. */
const remote = (name: string, clock: ManualClock): Lease => {
  const l = shared(`remote-${name}`, clock);
  return {
    name,
    tryAcquire: (h, ttl) => l.tryAcquire(h, ttl),
    renew: (h, ttl) => l.renew(h, ttl),
    release: (h) => l.release(h),
    holder: () => l.holder(),
  };
};
periodicJobContract('a lease answering asynchronously', remote);

describe('PeriodicJob', () => {
  it('alone on the in-memory lease runs at every interval within clock.advance, as a plain timer did', () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    const job = new PeriodicJob(new LocalLease('x', clock), 'me', clock, {
      name: 'x',
      intervalMs: 1000,
      run: (now) => {
        at.push(now);
      },
      onError: () => undefined,
    });
    job.start();
    clock.advance(3000);
    expect(at).toEqual([1000, 2000, 3000]);
  });

  it('reports a failing run and goes on; an async run still going is not doubled', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let calls = 0;
    let finish: () => void = () => undefined;
    const job = new PeriodicJob(new LocalLease('y', clock), 'me', clock, {
      name: 'y',
      intervalMs: 1000,
      run: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return new Promise<void>((r) => {
          finish = r;
        });
      },
      onError: (e) => errors.push(e),
    });
    job.start();
    clock.advance(1000);
    expect(errors).toHaveLength(1);
    clock.advance(1000);
    clock.advance(1000);
    expect(calls).toBe(2);
    finish();
    await new Promise((r) => setImmediate(r));
    clock.advance(1000);
    expect(calls).toBe(3);
    finish();
    await job.stop();
    expect(clock.pending).toBe(0);
  });
});
