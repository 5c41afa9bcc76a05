/**
 * The only source of time in Baken (ARCHITECTURE.md, house rule 2). Nothing outside the
 * real clock binding calls `Date.now`, `setTimeout` or `setInterval` directly.
 *
 * Contract:
 * - `now()` is milliseconds since the Unix epoch (UTC), like `Date.now()`; it never goes backwards
 *   within one clock instance for the real binding unless the host clock is stepped.
 * - `monotonic()` is milliseconds from an arbitrary origin and never goes backwards; use it for
 *   durations, timeouts and latency.
 * - `setTimeout` returns a handle; `clearTimeout` on a fired or cleared handle is a no-op.
 * - `setInterval` fires every `ms` until cleared; a mock clock fires each due tick in order.
 * - Timers never keep a process alive on their own when `unref` is requested.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  monotonic(): number;
  setTimeout(fn: () => void, ms: number, opts?: { unref?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number, opts?: { unref?: boolean }): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` on this clock (a mock clock resolves when advanced past it). */
  sleep(ms: number): Promise<void>;
}
