import type { Clock } from '@baken/hardware';

export interface DriftOptions {
  /** Rate error of the RTC in parts per million (positive runs fast). */
  ppm?: number;
  /** Initial offset from the host clock, seconds. */
  offsetSeconds?: number;
}

/**
 * The key safe's real-time clock: runs from the host clock with a configurable rate error and offset,
 * and keeps running through power loss (backup cell). Only the firmware's authenticated TIME_SYNC
 * calls `set` — [KS-SERIAL §8.6].
 */
export class DeviceClock {
  readonly #host: Clock;
  #ppm: number;
  #baseMono: number;
  #baseMs: number;

  constructor(host: Clock, opts: DriftOptions = {}) {
    this.#host = host;
    this.#ppm = opts.ppm ?? 0;
    this.#baseMono = host.monotonic();
    this.#baseMs = host.now() + (opts.offsetSeconds ?? 0) * 1000;
  }

  nowMs(): number {
    const elapsed = this.#host.monotonic() - this.#baseMono;
    return this.#baseMs + elapsed * (1 + this.#ppm / 1e6);
  }

  /** Device time in whole seconds since the epoch (the u32 of the protocol). */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  get ppm(): number {
    return this.#ppm;
  }

  set(seconds: number): void {
    this.#baseMono = this.#host.monotonic();
    this.#baseMs = seconds * 1000;
  }

  /** Fault switch: change the rate error from now on (time so far is kept). */
  setDrift(ppm: number): void {
    this.#baseMs = this.nowMs();
    this.#baseMono = this.#host.monotonic();
    this.#ppm = ppm;
  }

  /** Fault switch: jump the RTC by `seconds` (a glitch — not a sync; the firmware does not trust it more). */
  jump(seconds: number): void {
    this.#baseMs = this.nowMs() + seconds * 1000;
    this.#baseMono = this.#host.monotonic();
  }
}
