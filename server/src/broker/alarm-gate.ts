/**
 * How long an alarm may hold back the admission of held units (ms). An alarm is acked within a
 * few turns of the event loop; one whose ack never comes (a duplicate, a failed store, a unit
 * gone) stops holding after this, so a storm is never held for long.
 */
export const MAX_ALARM_HOLD_MS = 250;

/**
 * Alarms read from connected units whose app ack has not been written yet (broker README, "Start
 * under a reconnect storm"). While one is pending, the held queue admits nothing: a slice of 50
 * new sessions (their CONNECTs read in the same turn) would otherwise run before the alarm's ack,
 * which aedes writes from a `setImmediate` queued after the slice's. Contract:
 * - {@link alarm} marks a gateway's alarm read, {@link acked} its ack written;
 * - {@link holds} is true while any alarm is pending for at most `maxHoldMs` (the injected clock);
 * - it costs nothing while no alarm is pending.
 */
export class AlarmGate {
  readonly #pending = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly maxHoldMs = MAX_ALARM_HOLD_MS,
  ) {}

  get pending(): number {
    return this.#pending.size;
  }

  alarm(gatewayId: string): void {
    if (!this.#pending.has(gatewayId)) this.#pending.set(gatewayId, this.now());
  }

  acked(gatewayId: string): void {
    this.#pending.delete(gatewayId);
  }

  holds(): boolean {
    if (this.#pending.size === 0) return false;
    const since = this.now() - this.maxHoldMs;
    for (const [id, at] of this.#pending) if (at < since) this.#pending.delete(id);
    return this.#pending.size > 0;
  }
}
