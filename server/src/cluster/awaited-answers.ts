import type { Clock } from '../clock.js';
import type { Signals } from './signals.js';

/**
 * Waiting for an answer that may arrive at any instance — a key safe's `cmd/res` for a code
 * release, say, consumed by whichever instance the broker hands it to (store README, "Signals
 * between instances"). The instance that stores the answer calls {@link answered}; every instance
 * waiting on that id re-reads the stored row (`read`), so the wait completes wherever it started.
 * A wait ends with `'timeout'` on the injected clock when no answer is stored in time: it never
 * hangs, whether the answering instance died or a signal was lost (after a lost connection every
 * waiting id is read again).
 */
export class AwaitedAnswers<T> {
  readonly #waiting = new Map<string, Set<(answer: T) => void>>();
  #listening: Promise<unknown> | undefined;

  constructor(
    private readonly signals: Signals,
    private readonly channel: string,
    /** The stored answer for `id`, or null while there is none yet. */
    private readonly read: (id: string) => Promise<T | null> | T | null,
    private readonly clock: Clock,
  ) {}

  /** The stored answer for `id`, or `'timeout'` when none is stored within `timeoutMs`. */
  async wait(id: string, timeoutMs: number): Promise<T | 'timeout'> {
    await this.#listen();
    return new Promise<T | 'timeout'>((resolve) => {
      let set = this.#waiting.get(id);
      if (!set) {
        set = new Set();
        this.#waiting.set(id, set);
      }
      const waiters = set;
      const done = (answer: T | 'timeout') => {
        this.clock.clearTimeout(timer);
        waiters.delete(finish);
        if (waiters.size === 0 && this.#waiting.get(id) === waiters) this.#waiting.delete(id);
        resolve(answer);
      };
      const finish = (answer: T) => done(answer);
      const timer = this.clock.setTimeout(() => done('timeout'), timeoutMs);
      waiters.add(finish);
      // registered first, then read: an answer stored in between is not missed
      void this.#check(id);
    });
  }

  /** The answer for `id` is stored (call after its commit): every instance's waiters read it. */
  answered(id: string): Promise<void> {
    return this.signals.notify(this.channel, id);
  }

  #listen(): Promise<unknown> {
    this.#listening ??= this.signals.listen(this.channel, {
      onMessage: (id) => void this.#check(id),
      onResync: () => {
        for (const id of this.#waiting.keys()) void this.#check(id);
      },
    });
    return this.#listening;
  }

  async #check(id: string): Promise<void> {
    if (!this.#waiting.has(id)) return;
    let answer: T | null;
    try {
      answer = await this.read(id);
    } catch {
      return; // the store is unreachable: the next signal, a resync or the timeout ends the wait
    }
    if (answer === null) return;
    for (const finish of [...(this.#waiting.get(id) ?? [])]) finish(answer);
  }
}
