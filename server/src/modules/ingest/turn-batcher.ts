/**
 * Collects work that arrives in the same event-loop turn and runs it once: mqtt.js dispatches every
 * packet of one socket read synchronously, so a burst of events becomes one SQLite transaction and
 * one ack per gateway. `defer` is `setImmediate` in production (no wall-clock wait is involved);
 * tests may pass their own.
 */
export class TurnBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly defer: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  /** Whether a batch is waiting for its turn to end. */
  get waiting(): boolean {
    return this.scheduled;
  }

  add(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.drain());
  }

  /** Runs the pending batch now (also used at shutdown). */
  drain(): void {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.flush(items);
  }
}
