import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the cap with jitter between half and all of it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (rs) => {
          let i = 0;
          const b = new Backoff({ initialMs: 1_000, maxMs: 60_000, random: () => rs[i++ % rs.length]! });
          for (let n = 0; n < rs.length; n++) {
            const cap = Math.min(60_000, 1_000 * 2 ** n);
            const d = b.next();
            expect(d).toBeGreaterThanOrEqual(cap / 2);
            expect(d).toBeLessThanOrEqual(cap);
          }
        },
      ),
    );
  });

  it('starts again after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => 0.999999 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});
