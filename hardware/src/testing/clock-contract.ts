import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';

/**
 * A clock under test plus a way to let `ms` of its time pass: a real wait for `SystemClock`,
 * `advanceAsync` for `MockClock`.
 */
export interface ClockUnderTest {
  clock: Clock;
  elapse(ms: number): Promise<void>;
}

/**
 * The `Clock` contract (hardware/src/clock.ts), written once and run against every binding.
 * Delays are a few milliseconds so the real clock's run stays well under 50 ms in total.
 * `slackMs` absorbs the real clock's timer granularity (Node may fire up to ~1 ms early
 * relative to performance.now()).
 */
export function clockContract(name: string, make: () => ClockUnderTest, slackMs = 0): void {
  describe(`Clock contract: ${name}`, () => {
    it('now() is epoch milliseconds and monotonic() never goes backwards', () => {
      const { clock } = make();
      expect(clock.now()).toBeGreaterThan(Date.UTC(2020, 0, 1));
      const readings = Array.from({ length: 100 }, () => clock.monotonic());
      for (let i = 1; i < readings.length; i++) {
        expect(readings[i]!).toBeGreaterThanOrEqual(readings[i - 1]!);
      }
    });

    it('a timeout fires once, not before its delay, and timers fire in due order', async () => {
      const { clock, elapse } = make();
      const start = clock.monotonic();
      const fired: Array<[string, number]> = [];
      clock.setTimeout(() => fired.push(['late', clock.monotonic() - start]), 5);
      clock.setTimeout(() => fired.push(['early', clock.monotonic() - start]), 2);
      await elapse(6);
      expect(fired.map(([label]) => label)).toEqual(['early', 'late']);
      expect(fired[0]![1]).toBeGreaterThanOrEqual(2 - slackMs);
      expect(fired[1]![1]).toBeGreaterThanOrEqual(5 - slackMs);
      await elapse(1);
      expect(fired).toHaveLength(2);
    });

    it('clearTimeout prevents firing; clearing a fired, cleared or undefined handle is a no-op', async () => {
      const { clock, elapse } = make();
      let cleared = 0;
      let kept = 0;
      const h = clock.setTimeout(() => cleared++, 2);
      const k = clock.setTimeout(() => kept++, 2);
      clock.clearTimeout(h);
      await elapse(4);
      expect(cleared).toBe(0);
      expect(kept).toBe(1);
      clock.clearTimeout(h);
      clock.clearTimeout(k);
      clock.clearTimeout(undefined);
    });

    it('setInterval ticks repeatedly until cleared', async () => {
      const { clock, elapse } = make();
      let ticks = 0;
      const h = clock.setInterval(() => ticks++, 2);
      // Two separate waits: a loaded real event loop may coalesce overdue ticks within one wait.
      await elapse(3);
      expect(ticks).toBeGreaterThanOrEqual(1);
      await elapse(3);
      expect(ticks).toBeGreaterThanOrEqual(2);
      clock.clearInterval(h);
      const atClear = ticks;
      await elapse(3);
      expect(ticks).toBe(atClear);
      clock.clearInterval(h);
      clock.clearInterval(undefined);
    });

    it('sleep(ms) resolves after at least ms of monotonic time', async () => {
      const { clock, elapse } = make();
      const start = clock.monotonic();
      let done = false;
      const p = clock.sleep(3).then(() => {
        done = true;
      });
      await elapse(3);
      await p;
      expect(done).toBe(true);
      expect(clock.monotonic() - start).toBeGreaterThanOrEqual(3 - slackMs);
    });

    it('unref timers still fire while the process is alive', async () => {
      const { clock, elapse } = make();
      let fired = false;
      clock.setTimeout(() => (fired = true), 1, { unref: true });
      await elapse(3);
      expect(fired).toBe(true);
    });
  });
}
