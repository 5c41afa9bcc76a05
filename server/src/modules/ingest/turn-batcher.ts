/**
 * Collects work that arrives in the same event-loop turn and runs it once: mqtt.js dispatches every
 * packet of one socket read synchronously, so a burst of events becomes one transaction and one ack
 * per gateway. One batch is stored at a time: what arrives while a batch is being stored (awaiting
 * PostgreSQL) waits and becomes the next batch, so turns commit in the order their messages came
 * and a slower database makes batches larger instead of transactions concurrent. `defer` is
 * `setImmediate` in production (no wall-clock wait is involved); tests may pass their own.
 */
export class TurnBatcher<T> {
  private pending: T[] = [];
  /** Settles when the pending batch has been stored; made on first ask, one per batch. */
  private stored: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null =
    null;
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly defer: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.running === null) this.defer(() => void this.runNext());
  }

  /**
   * After {@link add}: a promise, shared by every item of the batch now pending, that resolves
   * when `flush` of that batch has resolved and rejects when it has rejected (a queue-backed
   * uplink acks its message then: `broker/cluster/broker-client.ts`). Never an unhandled rejection.
   */
  whenStored(): Promise<void> {
    if (this.stored === null) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined);
      this.stored = { promise, resolve, reject };
    }
    return this.stored.promise;
  }

  /** Stores everything pending now and waits until it is stored (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running !== null || this.pending.length > 0) {
      if (this.running !== null) await this.running;
      else await this.runNext();
    }
  }

  private runNext(): Promise<void> {
    if (this.running !== null) return this.running;
    this.scheduled = false;
    const items = this.pending;
    const stored = this.stored;
    this.pending = [];
    this.stored = null;
    if (items.length === 0) {
      stored?.resolve();
      return Promise.resolve();
    }
    const run = this.flush(items)
      // a failure is the batch's alone: the batches after it still run
      .then(
        () => stored?.resolve(),
        (err: unknown) => stored?.reject(err),
      )
      .finally(() => {
        this.running = null;
        if (this.scheduled) this.defer(() => void this.runNext());
      });
    this.running = run;
    return run;
  }
}
