import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '@baken/hardware';
import { AckAnnouncer } from './ack-announcer.js';
import type { Advertiser } from './advertiser.js';
import { deviceIdOf, type PendantAction, type PendantFormat, pendantServiceData } from './pendant-packet.js';

export interface PendantOptions {
  /** BLE address `AA:BB:CC:DD:EE:FF`. */
  address: string;
  name?: string;
  clock: Clock;
  advertiser: Advertiser;
  format: PendantFormat;
  /** Transmissions of one press (a real button repeats it so one is heard). Default 5. */
  repeats?: number;
  /** Gap between repeats, ms. Default 250 (5 repeats ≈ 1 s). */
  repeatIntervalMs?: number;
  /** Battery/heartbeat advert period, ms. Default 1 h; 0 disables. */
  heartbeatMs?: number;
  battery?: number;
  /** At or below this percentage every report is a low-battery report. Default 20. */
  lowBatteryPercent?: number;
  /** Battery percent used per transmission burst (drain model). Default 0. */
  drainPerPress?: number;
  rssi?: number;
  /**
   * Baken format only: keep announcing alarm, fall, cancel and test until the home unit acknowledges
   * them [PENDANT SPEC §7]. Default true; false is the old pendant (one ~1 s burst per press).
   */
  announceUntilAcked?: boolean;
  /**
   * The advert counter before the first press. A real pendant keeps its counter across battery
   * changes; a simulated one that restarts must not start below what a home unit already accepted
   * (it would be refused as a replay) [PENDANT SPEC §5.3]. Default 0.
   */
  firstCounter?: number;
}

export interface PendantEvents {
  /** One transmission on the air (each repeat counts). */
  transmit: [action: PendantAction, counter: number];
  /** An authenticated ack arrived: the pendant stops announcing this counter. */
  acked: [counter: number];
  /** A written ack did not verify (forged, other pendant, garbled) and changed nothing. */
  ackRefused: [code: string];
  /** No ack within the announce schedule (24 h), or pushed out by newer events: given up. */
  gaveUp: [counter: number];
}

/** Events a Baken pendant repeats until acknowledged; battery reports come again anyway. */
const ANNOUNCED: ReadonlySet<PendantAction> = new Set(['alarm', 'fall', 'cancel', 'test']);

/** A care-alarm pendant in software: presses, falls, battery, heartbeat, range — on the injected clock. */
export class Pendant extends EventEmitter<PendantEvents> {
  readonly address: string;
  readonly #o: PendantOptions;
  #counter = 0;
  #battery: number;
  #inRange = true;
  #heartbeat: TimerHandle | undefined;
  readonly #pending = new Set<TimerHandle>();
  readonly #announcer: AckAnnouncer | undefined;

  constructor(opts: PendantOptions) {
    super();
    this.#o = opts;
    this.address = opts.address.toUpperCase();
    this.#battery = opts.battery ?? 100;
    this.#counter = opts.firstCounter ?? 0;
    opts.advertiser.register(this.address, opts.name ?? 'Baken Pendant');
    const format = opts.format;
    if (format.kind === 'baken' && opts.announceUntilAcked !== false) {
      this.#announcer = new AckAnnouncer({
        clock: opts.clock,
        deviceId: deviceIdOf(this.address),
        key: format.key,
        repeats: opts.repeats ?? 5,
        gapMs: opts.repeatIntervalMs ?? 250,
        onAcked: (c) => this.emit('acked', c),
        onRefused: (code) => this.emit('ackRefused', code),
        onGaveUp: (c) => this.emit('gaveUp', c),
      });
      opts.advertiser.serveGatt(this.address, this.#announcer.gattService());
    }
  }

  /** Counters still announced because no ack has arrived for them [PENDANT SPEC §7]. */
  get unacknowledged(): number[] {
    return this.#announcer?.pending() ?? [];
  }

  get battery(): number {
    return this.#battery;
  }

  get inRange(): boolean {
    return this.#inRange;
  }

  get counter(): number {
    return this.#counter;
  }

  /** Starts periodic battery/heartbeat adverts. */
  start(): void {
    const every = this.#o.heartbeatMs ?? 3_600_000;
    if (every > 0 && this.#heartbeat === undefined) {
      this.#heartbeat = this.#o.clock.setInterval(() => this.reportBattery(), every, { unref: true });
    }
  }

  stop(): void {
    this.#o.clock.clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const t of this.#pending) this.#o.clock.clearTimeout(t);
    this.#pending.clear();
    this.#announcer?.stop();
  }

  press(): void {
    this.#burst('alarm');
  }
  cancel(): void {
    this.#burst('cancel');
  }
  fall(): void {
    this.#burst('fall');
  }
  testPress(): void {
    this.#burst('test');
  }

  reportBattery(): void {
    this.#burst(this.#battery <= (this.#o.lowBatteryPercent ?? 20) ? 'low_battery' : 'battery', 1);
  }

  /** Sets the battery level; crossing the low threshold sends a low-battery report at once. */
  setBattery(percent: number): void {
    const low = this.#o.lowBatteryPercent ?? 20;
    const wasLow = this.#battery <= low;
    this.#battery = Math.max(0, Math.min(100, Math.round(percent)));
    if (!wasLow && this.#battery <= low) this.reportBattery();
  }

  /** Out of range: transmissions happen but nobody hears them. */
  setInRange(inRange: boolean): void {
    this.#inRange = inRange;
  }

  /**
   * One press: the same packet (same counter / packet id) `repeats` times, `repeatIntervalMs` apart,
   * so the receiver's dedupe collapses them to one event [PENDANT SPEC §5]; a Baken pendant then
   * keeps announcing it until acknowledged [PENDANT SPEC §7].
   */
  #burst(action: PendantAction, repeats = this.#o.repeats ?? 5): void {
    if (this.#battery <= 0) return;
    this.#counter += 1;
    const counter = this.#counter;
    const data = pendantServiceData(this.#o.format, this.address, action, this.#battery, counter);
    const gap = this.#o.repeatIntervalMs ?? 250;
    const send = (): void => {
      this.emit('transmit', action, counter);
      if (this.#inRange) this.#o.advertiser.advertise(this.address, data, this.#o.rssi ?? -60);
    };
    send();
    for (let i = 1; i < repeats; i++) {
      const t = this.#o.clock.setTimeout(
        () => {
          this.#pending.delete(t);
          send();
        },
        gap * i,
        { unref: true },
      );
      this.#pending.add(t);
    }
    if (this.#announcer && ANNOUNCED.has(action))
      this.#announcer.add({ counter, pressedAt: this.#o.clock.now(), send });
    const drain = this.#o.drainPerPress ?? 0;
    if (drain > 0 && action !== 'battery' && action !== 'low_battery') this.setBattery(this.#battery - drain);
  }
}
