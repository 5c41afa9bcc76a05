/**
 * A mergeable latency histogram: log buckets 1 % wide from 10 µs to beyond an hour, so quantiles
 * are within 1 % of the true value, and the histograms of several simulator processes add up
 * exactly (the fleet's p99 is the p99 of all its alarms, not an average of per-process p99s).
 */
const BASE = 1.01;
const MIN_MS = 0.01;
const BUCKETS = 2200;
const LOG_BASE = Math.log(BASE);

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** The serialisable form sent between processes: non-empty buckets only. */
export interface LatencySnapshot {
  counts: Array<[bucket: number, count: number]>;
  max: number;
}

export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #n = 0;
  #max = 0;

  get count(): number {
    return this.#n;
  }

  record(ms: number): void {
    const v = Math.max(ms, 0);
    const b = v <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(v / MIN_MS) / LOG_BASE));
    this.#counts[b] = (this.#counts[b] ?? 0) + 1;
    this.#n += 1;
    if (v > this.#max) this.#max = v;
  }

  /** The upper bound of the bucket holding quantile `q` (0 < q ≤ 1), capped at the exact max. */
  quantile(q: number): number | null {
    if (this.#n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#counts[b] ?? 0;
      if (seen >= rank) return Math.min(MIN_MS * BASE ** b, this.#max);
    }
    return this.#max;
  }

  summary(): LatencySummary {
    const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
    return {
      count: this.#n,
      p50: round(this.quantile(0.5)),
      p99: round(this.quantile(0.99)),
      max: this.#n === 0 ? null : round(this.#max),
    };
  }

  snapshot(): LatencySnapshot {
    const counts: Array<[number, number]> = [];
    this.#counts.forEach((c, b) => {
      if (c > 0) counts.push([b, c]);
    });
    return { counts, max: this.#max };
  }

  /** Adds another histogram's snapshot to this one. */
  add(s: LatencySnapshot): void {
    for (const [b, c] of s.counts) {
      if (b >= 0 && b < BUCKETS) {
        this.#counts[b] = (this.#counts[b] ?? 0) + c;
        this.#n += c;
      }
    }
    if (s.max > this.#max) this.#max = s.max;
  }
}
