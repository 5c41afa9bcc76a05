import type { Clock, TimerHandle } from '../clock.js';
import { clampDelay } from './system-clock.js';

/** 2026-01-01T00:00:00Z: the default wall time of a fresh `MockClock`. */
export const MOCK_CLOCK_DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1);

interface MockTimer {
  readonly id: number;
  readonly fn: () => void;
  /** Due time on the monotonic axis. */
  at: number;
  /** Order of scheduling: timers due at the same instant fire in the order they were scheduled. */
  seq: number;
  /** Period for intervals, undefined for one-shot timers. */
  readonly every: number | undefined;
}

export interface MockClockOptions {
  /** Initial wall time (`now()`), ms since the epoch. Default `MOCK_CLOCK_DEFAULT_EPOCH_MS`. */
  epochMs?: number;
  /** Initial `monotonic()` reading. Default 0. */
  monotonicMs?: number;
}

/**
 * Manual time for tests and the device simulator. Time moves only through `advance`,
 * `advanceAsync` and `set`.
 *
 * Contract:
 * - `advance(ms)` fires every timer due up to `monotonic() + ms` in due-time order (ties in
 *   scheduling order), including timers and interval ticks scheduled by the timers themselves;
 *   during a callback `now()`/`monotonic()` read that timer's due time.
 * - `advanceAsync(ms)` does the same but yields to the event loop before and after each timer, so
 *   promise continuations (e.g. code after `await clock.sleep()`) run before the next timer fires.
 * - `set(epochMs)` steps the wall clock (`now()`) only, like an operator or NTP stepping the host
 *   clock: `monotonic()` and pending timers are unaffected.
 * - `unref` is accepted and ignored: a mock timer never keeps a process alive.
 */
export class MockClock implements Clock {
  #mono: number;
  /** wall = mono + offset */
  #offset: number;
  #nextId = 1;
  #seq = 0;
  readonly #timers = new Map<number, MockTimer>();

  constructor(opts: MockClockOptions = {}) {
    this.#mono = opts.monotonicMs ?? 0;
    this.#offset = (opts.epochMs ?? MOCK_CLOCK_DEFAULT_EPOCH_MS) - this.#mono;
  }

  now(): number {
    return this.#mono + this.#offset;
  }

  monotonic(): number {
    return this.#mono;
  }

  /** Steps the wall clock to `epochMs`; see the class contract. */
  set(epochMs: number): void {
    this.#offset = epochMs - this.#mono;
  }

  setTimeout(fn: () => void, ms: number, _opts?: { unref?: boolean }): TimerHandle {
    return this.#schedule(fn, clampDelay(ms), undefined);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.#timers.delete(handle.id);
  }

  /** Periods below 1 ms are raised to 1 ms (as Node does), so `advance` always terminates. */
  setInterval(fn: () => void, ms: number, _opts?: { unref?: boolean }): TimerHandle {
    const every = Math.max(1, clampDelay(ms));
    return this.#schedule(fn, every, every);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (handle) this.#timers.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }

  /** Number of scheduled timers and intervals that have not fired (intervals count until cleared). */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the next timer is due, or undefined when none is pending. */
  nextTimerIn(): number | undefined {
    const next = this.#next(Number.POSITIVE_INFINITY);
    return next === undefined ? undefined : next.at - this.#mono;
  }

  /** Moves time forward by `ms`, firing due timers synchronously; see the class contract. */
  advance(ms: number): void {
    const target = this.#mono + clampDelay(ms);
    for (let t = this.#next(target); t !== undefined; t = this.#next(target)) this.#fire(t);
    this.#mono = target;
  }

  /** Like `advance`, letting promise continuations run between timers; see the class contract. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#mono + clampDelay(ms);
    await yieldToEventLoop();
    for (let t = this.#next(target); t !== undefined; t = this.#next(target)) {
      this.#fire(t);
      await yieldToEventLoop();
    }
    this.#mono = target;
  }

  #schedule(fn: () => void, delay: number, every: number | undefined): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, fn, at: this.#mono + delay, seq: this.#seq++, every });
    return { id };
  }

  #next(limit: number): MockTimer | undefined {
    let best: MockTimer | undefined;
    for (const t of this.#timers.values()) {
      if (t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }

  #fire(t: MockTimer): void {
    this.#mono = Math.max(this.#mono, t.at);
    if (t.every === undefined) {
      this.#timers.delete(t.id);
    } else {
      t.at += t.every;
      t.seq = this.#seq++;
    }
    t.fn();
  }
}

/**
 * Lets pending promise continuations and already-queued I/O callbacks run. Uses `setImmediate`,
 * which is a turn of the event loop and never a wait on wall time.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
