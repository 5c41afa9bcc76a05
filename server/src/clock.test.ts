import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';

describe('ManualClock', () => {
  it('fires timeouts in due order with now() at their due time', () => {
    const clock = new ManualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    clock.advance(150);
    expect(seen).toEqual([['a', 1100]]);
    clock.advance(100);
    expect(seen).toEqual([
      ['a', 1100],
      ['b', 1200],
    ]);
    expect(clock.now()).toBe(1250);
    expect(clock.pending).toBe(0);
  });

  it('re-arms intervals and stops them on clearInterval', () => {
    const clock = new ManualClock(0);
    let n = 0;
    const h = clock.setInterval(() => n++, 10);
    clock.advance(35);
    expect(n).toBe(3);
    clock.clearInterval(h);
    clock.advance(100);
    expect(n).toBe(3);
  });

  it('cancels a timeout', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const h = clock.setTimeout(() => {
      fired = true;
    }, 5);
    clock.clearTimeout(h);
    clock.advance(10);
    expect(fired).toBe(false);
  });
});
