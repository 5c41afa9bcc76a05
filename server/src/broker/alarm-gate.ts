/**
 * How long an alarm may hold back the admission of held units (ms). An alarm is acked within a
 * few turns of the event loop; one whose ack never comes (a duplicate, a failed store, a unit
 * gone) stops holding after this, so a storm is never held for long.
 */
export const MAX_ALARM_HOLD_MS = 250;

/**
 * A unit's alarm holds the admission at most once in this long (ms). An alarm button is pressed
 * seldom; a unit that sends alarm after alarm (broken, or its credentials in the wrong hands)
 * would otherwise keep an alarm pending most of the time and starve a whole storm of admission.
 * Its alarms still go first in ingest and have their acks written at once.
 */
export const ALARM_HOLD_GAP_MS = 1_000;

/** Past this many remembered units the gate forgets those whose gap has passed. */
const MAX_REMEMBERED = 4_096;

/**
 * Alarms read from connected units whose app ack has not been written yet (broker README, "Start
 * under a reconnect storm"). While one is pending, the held queue admits nothing: a slice of 50
 * new sessions (their CONNECTs read in the same turn) would otherwise run before the alarm's ack,
 * which aedes writes from a `setImmediate` queued after the slice's. Contract:
 * - {@link alarm} marks a gateway's alarm read, {@link acked} its ack written;
 * - {@link holds} is true while any alarm is pending for at most `maxHoldMs` (the injected clock);
 * - a unit's alarm is marked at most once per `gapMs`: one unit can hold the admission for at
 *   most `maxHoldMs` in each `gapMs`, however many alarms it sends;
 * - it costs nothing while no alarm is pending.
 */
export class AlarmGate {
  readonly #pending = new Map<string, number>();
  /** When each unit's alarm last held the admission. */
  readonly #marked = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly maxHoldMs = MAX_ALARM_HOLD_MS,
    private readonly gapMs = ALARM_HOLD_GAP_MS,
  ) {}

  get pending(): number {
    return this.#pending.size;
  }

  alarm(gatewayId: string): void {
    if (this.#pending.has(gatewayId)) return;
    const now = this.now();
    const last = this.#marked.get(gatewayId);
    if (last !== undefined && now - last < this.gapMs) return;
    if (this.#marked.size >= MAX_REMEMBERED)
      for (const [id, at] of this.#marked) if (now - at >= this.gapMs) this.#marked.delete(id);
    this.#marked.set(gatewayId, now);
    this.#pending.set(gatewayId, now);
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
