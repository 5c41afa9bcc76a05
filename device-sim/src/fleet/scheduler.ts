import type { Clock, TimerHandle } from '@baken/hardware';

interface Job {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Many timed jobs on one clock timer: a binary min-heap on `Clock.monotonic()` time, so thousands
 * of simulated homes cost one heap entry each instead of one timer each. Jobs due at the same time
 * run in the order they were added. `stop()` drops every job.
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #heap: Job[] = [];
  #seq = 0;
  #timer: TimerHandle | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#heap.length;
  }

  /** Runs `fn` once, `delayMs` from now. */
  after(delayMs: number, fn: () => void): void {
    if (this.#stopped) return;
    this.#push({ at: this.#clock.monotonic() + Math.max(0, Math.round(delayMs)), seq: this.#seq++, fn });
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.#heap.length = 0;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined || first.at >= this.#armedAt) return;
    this.#clock.clearTimeout(this.#timer);
    this.#armedAt = first.at;
    this.#timer = this.#clock.setTimeout(() => this.#run(), Math.max(0, first.at - this.#clock.monotonic()), {
      unref: true,
    });
  }

  #run(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#clock.monotonic();
    // jobs added while running wait for the next turn, so a job that reschedules itself at 0 ms
    // cannot starve the event loop
    let budget = this.#heap.length;
    while (budget-- > 0 && !this.#stopped) {
      const first = this.#heap[0];
      if (first === undefined || first.at > now) break;
      this.#pop();
      first.fn();
    }
    if (!this.#stopped) this.#arm();
  }

  #push(job: Job): void {
    const h = this.#heap;
    h.push(job);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(job, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = job;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

const before = (a: Job, b: Job): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
