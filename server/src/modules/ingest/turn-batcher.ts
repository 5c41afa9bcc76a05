/**
 * Collects work that arrives in the same event-loop turn and runs it once: mqtt.js dispatches every
 * packet of one socket read synchronously, so a burst of events becomes one transaction and one ack
 * per gateway. One batch is stored at a time: what arrives while a batch is being stored (awaiting
 * PostgreSQL) waits and becomes the next batch, so turns commit in the order their messages came
 * and a slower database makes batches larger instead of transactions concurrent. `defer` is
 * `setImmediate` in production (no wall-clock wait is involved); tests may pass their own.
 *
 * An urgent item (an alarm, docs/scaling.md §3 "Alarms first") is not left to wait for the rest of
 * the event loop's turn — every other socket's input of a reconnect storm, and whatever was queued
 * before it for the check phase: its batch starts with `deferUrgent` (a microtask) once the code
 * that added it returns, if no batch is being stored; else right after that batch.
 */
export class TurnBatcher<T> {
  private pending: T[] = [];
  /** Settles when the pending batch has been stored; made on first ask, one per batch. */
  private stored: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null =
    null;
  private scheduled = false;
  /** An urgent item is pending / its batch's start is queued as a microtask. */
  private urgent = false;
  private urgentQueued = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly defer: (fn: () => void) => void = (fn) => setImmediate(fn),
    private readonly deferUrgent: (fn: () => void) => void = queueMicrotask,
  ) {}

  add(item: T, urgent = false): void {
    this.pending.push(item);
    if (urgent) {
      this.urgent = true;
      if (this.running === null) this.startUrgent();
    }
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.running === null) this.defer(() => void this.runNext());
  }

  /** Whether an item pending for the next batch satisfies `pred`. */
  somePending(pred: (item: T) => boolean): boolean {
    return this.pending.some(pred);
  }

  /**
   * Takes the pending items that satisfy `pred` out of the next batch (to be stored ahead of it:
   * their batch's {@link whenStored} still settles only when that batch is stored). Give them back
   * with {@link putBack} if they could not be stored.
   */
  take(pred: (item: T) => boolean): T[] {
    const taken = this.pending.filter(pred);
    if (taken.length > 0) this.pending = this.pending.filter((it) => !pred(it));
    return taken;
  }

  /** Items {@link take}n and not stored: first in the next batch again. */
  putBack(items: readonly T[]): void {
    if (items.length === 0) return;
    this.pending = [...items, ...this.pending];
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.running === null) this.defer(() => void this.runNext());
  }

  private startUrgent(): void {
    if (this.urgentQueued) return;
    this.urgentQueued = true;
    this.deferUrgent(() => {
      this.urgentQueued = false;
      void this.runNext();
    });
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
    this.urgent = false;
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
        if (this.urgent) this.startUrgent();
        else if (this.scheduled) this.defer(() => void this.runNext());
      });
    this.running = run;
    return run;
  }
}
