import { MockClock } from '@baken/hardware/clock/mock-clock';
import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.js';

describe('Scheduler', () => {
  it('runs jobs in time order, ties in the order added, on one clock timer', () => {
    const clock = new MockClock();
    const s = new Scheduler(clock);
    const ran: string[] = [];
    s.after(300, () => ran.push('c'));
    s.after(100, () => ran.push('a1'));
    s.after(100, () => ran.push('a2'));
    s.after(200, () => ran.push('b'));
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(150);
    expect(ran).toEqual(['a1', 'a2']);
    clock.advance(1000);
    expect(ran).toEqual(['a1', 'a2', 'b', 'c']);
    expect(s.size).toBe(0);
  });

  it('a job that reschedules itself at 0 ms runs again on a new timer turn', () => {
    const clock = new MockClock();
    const s = new Scheduler(clock);
    let n = 0;
    const again = (): void => {
      n += 1;
      if (n < 5) s.after(0, again);
    };
    s.after(10, again);
    const timers: number[] = [];
    const orig = clock.setTimeout.bind(clock);
    clock.setTimeout = (fn, ms, o) => {
      timers.push(ms);
      return orig(fn, ms, o);
    };
    clock.advance(10);
    expect(n).toBe(5);
    expect(timers).toEqual([0, 0, 0, 0]);
  });

  it('stop() drops every job and the timer', () => {
    const clock = new MockClock();
    const s = new Scheduler(clock);
    let ran = false;
    s.after(10, () => {
      ran = true;
    });
    s.stop();
    s.after(5, () => {
      ran = true;
    });
    clock.advance(100);
    expect(ran).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });
});
