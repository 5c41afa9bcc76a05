import type { Clock } from '../clock.js';

/**
 * Fixed-budget sliding-window counter on the injected clock: at most `max` hits per key in any
 * `windowMs`. Memory is bounded by pruning stale keys on the way.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private live(key: string): number[] {
    const since = this.clock.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.hits.delete(key);
    else this.hits.set(key, list);
    return list;
  }

  /** Milliseconds until `key` may try again, or 0 when it is under the limit. */
  retryAfterMs(key: string): number {
    const list = this.live(key);
    if (list.length < this.max) return 0;
    return list[0]! + this.windowMs - this.clock.now();
  }

  hit(key: string): void {
    const list = this.live(key);
    list.push(this.clock.now());
    this.hits.set(key, list);
    if (this.hits.size > 10_000) for (const k of [...this.hits.keys()].slice(0, 1000)) this.live(k);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}
