import { RateLimiter } from '../auth/rate-limiter.js';
import type { Clock } from '../clock.js';

/**
 * A rate limit's counter (failed logins per user, per IP; provision calls per IP): at most `max`
 * hits per key in any window. Shared by every instance in the clustered deployment, so `n`
 * instances do not give `n` times the budget (store README, "Rate limits and sessions across
 * instances"). Bindings: {@link MemoryHitCounter} (one process; the embedded default) and
 * `PgHitCounter`.
 */
export interface HitCounter {
  /** Milliseconds until `key` may try again, or 0 when it is under the limit. */
  retryAfterMs(key: string): Promise<number>;
  hit(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Makes the counter of one limit, by name (e.g. `login.user`). */
export type HitCounters = (name: string, max: number, windowMs: number) => HitCounter;

/** One process: {@link RateLimiter}'s sliding window in memory. */
export class MemoryHitCounter implements HitCounter {
  readonly #limiter: RateLimiter;

  constructor(clock: Pick<Clock, 'now'>, max: number, windowMs: number) {
    this.#limiter = new RateLimiter(clock, max, windowMs);
  }

  async retryAfterMs(key: string): Promise<number> {
    return this.#limiter.retryAfterMs(key);
  }

  async hit(key: string): Promise<void> {
    this.#limiter.hit(key);
  }

  async reset(key: string): Promise<void> {
    this.#limiter.reset(key);
  }
}

export const memoryHitCounters =
  (clock: Pick<Clock, 'now'>): HitCounters =>
  (_name, max, windowMs) =>
    new MemoryHitCounter(clock, max, windowMs);
