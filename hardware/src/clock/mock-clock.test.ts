import { describe, expect, it } from 'vitest';
import { clockContract } from '../testing/clock-contract.js';
import { MOCK_CLOCK_DEFAULT_EPOCH_MS, MockClock } from './mock-clock.js';

clockContract('MockClock', () => {
  const clock = new MockClock();
  return { clock, elapse: (ms) => clock.advanceAsync(ms) };
});

describe('MockClock', () => {
  it('starts at the default epoch and moves only when advanced', () => {
    const clock = new MockClock();
    expect(clock.now()).toBe(MOCK_CLOCK_DEFAULT_EPOCH_MS);
    expect(clock.monotonic()).toBe(0);
    clock.advance(1500);
    expect(clock.now()).toBe(MOCK_CLOCK_DEFAULT_EPOCH_MS + 1500);
    expect(clock.monotonic()).toBe(1500);
  });

  it('advance fires timers scheduled by timers, in order, at their own due time', () => {
    const clock = new MockClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push(`a@${clock.monotonic()}`);
      clock.setTimeout(() => log.push(`c@${clock.monotonic()}`), 5);
      clock.setTimeout(() => log.push(`zero@${clock.monotonic()}`), 0);
    }, 10);
    clock.setTimeout(() => log.push(`b@${clock.monotonic()}`), 12);
    clock.setTimeout(() => log.push('never'), 30);
    clock.advance(20);
    expect(log).toEqual(['a@10', 'zero@10', 'b@12', 'c@15']);
    expect(clock.monotonic()).toBe(20);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerIn()).toBe(10);
  });

  it('timers due at the same instant fire in scheduling order', () => {
    const clock = new MockClock();
    const log: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimeout(() => log.push(i), 7);
    clock.advance(7);
    expect(log).toEqual([0, 1, 2, 3, 4]);
  });

  it('an interval fires each due tick, interleaved with timeouts', () => {
    const clock = new MockClock();
    const log: string[] = [];
    const h = clock.setInterval(() => log.push(`i${clock.monotonic()}`), 10);
    clock.setTimeout(() => log.push(`t${clock.monotonic()}`), 25);
    clock.advance(40);
    expect(log).toEqual(['i10', 'i20', 't25', 'i30', 'i40']);
    clock.clearInterval(h);
    expect(clock.pendingTimers()).toBe(0);
    expect(clock.nextTimerIn()).toBeUndefined();
  });

  it('a zero-period interval is raised to 1 ms so advance terminates', () => {
    const clock = new MockClock();
    let ticks = 0;
    clock.setInterval(() => ticks++, 0);
    clock.advance(5);
    expect(ticks).toBe(5);
  });

  it('set() steps the wall clock only; monotonic time and timers are unaffected', () => {
    const clock = new MockClock({ epochMs: 1_000_000 });
    let fired = false;
    clock.setTimeout(() => (fired = true), 100);
    clock.set(5_000_000);
    expect(clock.now()).toBe(5_000_000);
    expect(clock.monotonic()).toBe(0);
    expect(fired).toBe(false);
    clock.advance(100);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(5_000_100);
    clock.set(0);
    expect(clock.now()).toBe(0);
    expect(clock.monotonic()).toBe(100);
  });

  it('advanceAsync runs promise continuations between timers; advance does not', async () => {
    const run = async (useAsync: boolean): Promise<string[]> => {
      const clock = new MockClock();
      const log: string[] = [];
      void (async () => {
        await clock.sleep(10);
        log.push(`woke@${clock.monotonic()}`);
        clock.setTimeout(() => log.push(`follow-up@${clock.monotonic()}`), 5);
      })();
      clock.setTimeout(() => log.push(`t@${clock.monotonic()}`), 12);
      if (useAsync) await clock.advanceAsync(30);
      else clock.advance(30);
      return log;
    };
    expect(await run(true)).toEqual(['woke@10', 't@12', 'follow-up@15']);
    // Synchronous advance: the continuation runs only after advance returned (at t=30).
    const sync = await run(false);
    expect(sync).toEqual(['t@12', 'woke@30']);
  });

  it('negative and NaN delays fire on the next advance', () => {
    const clock = new MockClock();
    let n = 0;
    clock.setTimeout(() => n++, -5);
    clock.setTimeout(() => n++, Number.NaN);
    clock.advance(0);
    expect(n).toBe(2);
  });
});
