import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../clock.js';

type NodeTimer = ReturnType<typeof globalThis.setTimeout>;

/**
 * The real clock binding: the ONLY place in Baken that calls `Date.now`, `performance.now`,
 * `setTimeout` and `setInterval` (ARCHITECTURE.md, house rule 2). Contract: see `Clock`.
 */
export class SystemClock implements Clock {
  #nextId = 1;
  readonly #timeouts = new Map<number, NodeTimer>();
  readonly #intervals = new Map<number, NodeTimer>();

  now(): number {
    return Date.now();
  }

  /** Milliseconds since this process started (performance.now); never goes backwards. */
  monotonic(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number, opts?: { unref?: boolean }): TimerHandle {
    const id = this.#nextId++;
    const timer = globalThis.setTimeout(() => {
      this.#timeouts.delete(id);
      fn();
    }, clampDelay(ms));
    if (opts?.unref) timer.unref();
    this.#timeouts.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.#timeouts.get(handle.id);
    if (timer === undefined) return;
    globalThis.clearTimeout(timer);
    this.#timeouts.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number, opts?: { unref?: boolean }): TimerHandle {
    const id = this.#nextId++;
    const timer = globalThis.setInterval(fn, Math.max(1, clampDelay(ms)));
    if (opts?.unref) timer.unref();
    this.#intervals.set(id, timer);
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.#intervals.get(handle.id);
    if (timer === undefined) return;
    globalThis.clearInterval(timer);
    this.#intervals.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }
}

/** Negative, NaN or infinite delays behave like 0 (as Node does for negatives and NaN). */
export function clampDelay(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
