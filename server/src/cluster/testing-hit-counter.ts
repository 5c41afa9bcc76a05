import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { HitCounter } from './hit-counter.js';

/** Makes limit `name`'s counter as one instance sees it (instances of a test share one store). */
export type MakeCounter = (name: string, max: number, windowMs: number, clock: ManualClock) => HitCounter;

/** The `HitCounter` contract, run on every binding with an injected clock. */
export function hitCounterContract(binding: string, make: MakeCounter, shared: boolean): void {
  describe(`HitCounter contract: ${binding}`, () => {
    let n = 0;
    const setup = () => {
      const clock = new ManualClock(1_765_432_100_000);
      const name = `login.user.${++n}`;
      return { clock, name, counter: make(name, 3, 60_000, clock) };
    };

    it('lets `max` hits through in a window, then says how long to wait; the window slides', async () => {
      const { clock, counter } = setup();
      expect(await counter.retryAfterMs('piet')).toBe(0);
      await counter.hit('piet');
      clock.advance(10_000);
      await counter.hit('piet');
      await counter.hit('piet');
      expect(await counter.retryAfterMs('piet')).toBe(50_000);
      expect(await counter.retryAfterMs('els')).toBe(0); // per key
      clock.advance(50_000);
      expect(await counter.retryAfterMs('piet')).toBe(0); // the first hit left the window
      await counter.hit('piet');
      expect(await counter.retryAfterMs('piet')).toBe(10_000);
    });

    it('reset clears a key (a good login), not the others', async () => {
      const { counter } = setup();
      for (let i = 0; i < 3; i++) {
        await counter.hit('piet');
        await counter.hit('els');
      }
      await counter.reset('piet');
      expect(await counter.retryAfterMs('piet')).toBe(0);
      expect(await counter.retryAfterMs('els')).toBeGreaterThan(0);
    });

    it.skipIf(!shared)(
      'two instances count together: the budget is the deployment’s, not each one’s',
      async () => {
        const { clock, name, counter } = setup();
        const other = make(name, 3, 60_000, clock);
        await counter.hit('10.0.0.9');
        await other.hit('10.0.0.9');
        await counter.hit('10.0.0.9');
        expect(await other.retryAfterMs('10.0.0.9')).toBe(60_000);
        // another limit's name is counted apart
        expect(await make(`${name}.ip`, 3, 60_000, clock).retryAfterMs('10.0.0.9')).toBe(0);
      },
    );
  });
}
