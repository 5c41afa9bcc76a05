import type { Clock, GattServiceSpec, TimerHandle } from '@baken/hardware';
import {
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ANNOUNCE,
  bakenAnnounceDelayMs,
  verifyBakenAck,
} from '@baken/protocols';

/** One event the pendant keeps announcing until the home unit acknowledges it [PENDANT SPEC §7]. */
export interface PendingAdvert {
  counter: number;
  pressedAt: number;
  /** Sends this advert once (the pendant knows how: service data, range, `transmit` event). */
  send(): void;
}

export interface AckAnnouncerOptions {
  clock: Clock;
  /** The pendant's device id (12 hex) and key [PENDANT SPEC §3]. */
  deviceId: string;
  key: Uint8Array;
  /** Adverts per announce burst and their spacing (as the press burst). */
  repeats: number;
  gapMs: number;
  /** Oldest is dropped beyond this many unacknowledged events (a panicked client). Default 8. */
  maxPending?: number;
  onAcked?: (counter: number) => void;
  onRefused?: (code: string) => void;
  onGaveUp?: (counter: number) => void;
}

/**
 * The pendant firmware's acknowledgement side [PENDANT SPEC §7.3–7.4]: keeps every unacknowledged
 * event and re-sends all of them (oldest counter first, so a receiver that insists on rising
 * counters hears them in order) in bursts on the announce schedule, until an authenticated ack for
 * that counter is written to its GATT characteristic, or 24 h have passed. A write that does not
 * verify is refused (an ATT error to the writer) and changes nothing. Unlike the firmware, which is
 * connectable only while it announces, the simulated pendant accepts a connection at any time.
 */
export class AckAnnouncer {
  readonly #o: AckAnnouncerOptions;
  readonly #pending = new Map<number, PendingAdvert>();
  /** The repeats of a burst in flight. */
  readonly #timers = new Set<TimerHandle>();
  /** The next burst. */
  #next: TimerHandle | undefined;
  #round = 0;

  constructor(opts: AckAnnouncerOptions) {
    this.#o = opts;
  }

  /** The GATT service the pendant serves while connectable [PENDANT SPEC §7.2]. */
  gattService(): GattServiceSpec {
    return {
      uuid: BAKEN_ACK_SERVICE_UUID,
      characteristics: [
        { uuid: BAKEN_ACK_CHARACTERISTIC_UUID, flags: ['write'], onWrite: (v) => this.handleWrite(v) },
      ],
    };
  }

  /** Counters still being announced, oldest first. */
  pending(): number[] {
    return [...this.#pending.keys()].sort((a, b) => a - b);
  }

  /** A new event (its press burst is already on the air): announce it until acknowledged. */
  add(advert: PendingAdvert): void {
    this.#pending.set(advert.counter, advert);
    const max = this.#o.maxPending ?? 8;
    for (const c of this.pending()) {
      if (this.#pending.size <= max) break;
      this.#pending.delete(c);
      this.#o.onGaveUp?.(c);
    }
    this.#round = 0;
    this.#schedule();
  }

  /** An ack written by a central. Throws (an ATT error on the air) when it does not verify. */
  handleWrite(value: Uint8Array): void {
    const r = verifyBakenAck(value, { deviceId: this.#o.deviceId, key: this.#o.key });
    if (!r.ok) {
      this.#o.onRefused?.(r.error.code);
      throw r.error;
    }
    if (!this.#pending.delete(r.value.counter)) return;
    this.#o.onAcked?.(r.value.counter);
    if (this.#pending.size === 0) this.#clear();
  }

  stop(): void {
    this.#clear();
    this.#pending.clear();
  }

  #clear(): void {
    for (const t of this.#timers) this.#o.clock.clearTimeout(t);
    this.#timers.clear();
    this.#o.clock.clearTimeout(this.#next);
    this.#next = undefined;
  }

  #later(fn: () => void, ms: number): void {
    const t = this.#o.clock.setTimeout(
      () => {
        this.#timers.delete(t);
        fn();
      },
      ms,
      { unref: true },
    );
    this.#timers.add(t);
  }

  #schedule(): void {
    this.#o.clock.clearTimeout(this.#next);
    this.#next = undefined;
    const now = this.#o.clock.now();
    const newest = Math.max(...[...this.#pending.values()].map((p) => p.pressedAt));
    this.#round += 1;
    const gap = bakenAnnounceDelayMs(this.#round, now - newest);
    for (const p of [...this.#pending.values()]) {
      if (gap === null || now + gap - p.pressedAt > BAKEN_ANNOUNCE.giveUpMs) {
        this.#pending.delete(p.counter);
        this.#o.onGaveUp?.(p.counter);
      }
    }
    if (gap === null || this.#pending.size === 0) return;
    this.#next = this.#o.clock.setTimeout(
      () => {
        this.#next = undefined;
        this.#burst();
      },
      gap,
      { unref: true },
    );
  }

  #burst(): void {
    for (let i = 0; i < this.#o.repeats; i++) {
      const sendAll = (): void => {
        for (const c of this.pending()) this.#pending.get(c)?.send();
      };
      if (i === 0) sendAll();
      else this.#later(sendAll, this.#o.gapMs * i);
    }
    this.#schedule();
  }
}
