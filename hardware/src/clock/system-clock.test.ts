import { describe, expect, it } from 'vitest';
import { clockContract } from '../testing/clock-contract.js';
import { SystemClock } from './system-clock.js';

// Tiny real timeouts are acceptable only here, in the real clock's own contract run (PREAMBLE).
clockContract(
  'SystemClock',
  () => {
    const clock = new SystemClock();
    return { clock, elapse: (ms) => clock.sleep(ms + 1) };
  },
  1,
);

describe('SystemClock', () => {
  it('now() tracks Date.now()', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(1000);
  });
});
