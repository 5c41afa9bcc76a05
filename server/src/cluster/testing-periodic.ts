import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Lease } from '../store/lease.js';
import { PeriodicJob } from './periodic-job.js';

/** Makes the lease `name` as one instance sees it, on a store every instance shares. */
export type SharedLease = (name: string, clock: ManualClock) => Lease;

const INTERVAL = 4_000;

/**
 * The contract of periodic work under a lease, for one lease binding: two instances running the
 * same job on one lease → exactly one runs each due instant; the holder stops (cleanly or as a
 * crash) → the other runs it within one interval.
 */
export function periodicJobContract(binding: string, make: SharedLease): void {
  describe(`PeriodicJob on ${binding}`, () => {
    let n = 0;
    const setup = async () => {
      const clock = new ManualClock(1_765_432_100_000);
      const name = `job-${++n}`;
      const runs: Array<{ by: string; at: number }> = [];
      const errors: unknown[] = [];
      const job = (by: string) =>
        new PeriodicJob(make(name, clock), by, clock, {
          name,
          intervalMs: INTERVAL,
          run: (at) => {
            runs.push({ by, at });
          },
          onError: (e) => errors.push(e),
        });
      const a = job('a');
      const b = job('b');
      const settle = async () => {
        await a.keeper.idle();
        await b.keeper.idle();
        await new Promise((r) => setImmediate(r));
        await a.keeper.idle();
        await b.keeper.idle();
      };
      /** Moves the clock in steps of a keeper tick, letting the lease's answers arrive between. */
      const pass = async (ms: number) => {
        for (let left = ms; left > 0; left -= INTERVAL / 4) {
          clock.advance(Math.min(INTERVAL / 4, left));
          await settle();
        }
      };
      a.start();
      await settle();
      b.start();
      await settle();
      return { clock, a, b, runs, errors, pass };
    };

    it('two instances on one lease: exactly one runs the job at each due instant', async () => {
      const { a, b, runs, errors, pass } = await setup();
      await pass(5 * INTERVAL);
      expect(runs.map((r) => r.by)).toEqual(['a', 'a', 'a', 'a', 'a']);
      expect(new Set(runs.map((r) => r.at)).size).toBe(5);
      expect(errors).toEqual([]);
      await a.stop();
      await b.stop();
    });

    it('the holder stops cleanly: the other runs the next due run', async () => {
      const { clock, a, b, runs, pass } = await setup();
      await pass(INTERVAL);
      const stoppedAt = clock.now();
      await a.stop();
      await pass(INTERVAL);
      expect(runs.filter((r) => r.by === 'b' && r.at - stoppedAt <= INTERVAL).length).toBeGreaterThan(0);
      await b.stop();
      expect(clock.pending).toBe(0);
    });

    it('the holder dies (no release): the other runs within one interval, never both at once', async () => {
      const { clock, a, b, runs, pass } = await setup();
      await pass(2 * INTERVAL + INTERVAL / 4);
      const diedAt = clock.now();
      await a.stop({ release: false });
      await pass(2 * INTERVAL);
      const first = runs.find((r) => r.by === 'b');
      expect(first).toBeDefined();
      expect(first!.at - diedAt).toBeLessThanOrEqual(INTERVAL);
      expect(runs.filter((r) => r.by === 'a').every((r) => r.at <= diedAt)).toBe(true);
      await b.stop();
    });
  });
}
