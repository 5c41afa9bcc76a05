import type { BleScanner, Clock } from '@baken/hardware';
import type { Logger } from 'pino';
import type { DeviceCounters, ScanState } from '../devices/device-registry.js';
import { errorCode, errorMessage } from './pendant-events.js';

/** What the watchdog does about a stalled scan, in escalating order (hardware/src/ble/DECISIONS.md §2). */
export type ScanAction = 'restart' | 'adapter_reset';

export interface ScanActionReport {
  action: ScanAction;
  reason: string;
  restarts: number;
  adapterResets: number;
}

export interface ScanWatchdogOptions {
  /**
   * Silence (no advert from any device) that counts as a stall when no paired pendant has a known
   * advertising interval. Default 60 min.
   */
  fallbackSilenceMs?: number;
  /** A pendant is missed after this many of its expected intervals without an advert. Default 2.5. */
  missedIntervals?: number;
  /** Never two recovery steps closer than this. Default 60 s. */
  minActionGapMs?: number;
  /** Discovery restarts allowed in any hour. Default 6. */
  maxRestartsPerHour?: number;
  /** Adapter power cycles allowed in any hour. Default 2. */
  maxAdapterResetsPerHour?: number;
  /** A step that has not settled by then failed (a hung BlueZ never answers). Default 30 s. */
  stepTimeoutMs?: number;
}

const HOUR_MS = 3_600_000;

/**
 * How often a paired pendant advertises with no press: a Baken pendant sends its battery/heartbeat
 * report at least hourly [PENDANT SPEC §3.2]; BTHome buttons advertise on presses only.
 */
export const PENDANT_ADVERT_INTERVAL_MS: Record<'baken' | 'bthome', number | null> = {
  baken: HOUR_MS,
  bthome: null,
};
/** Silence thresholds double after each adapter reset that brought nothing back, up to 2^6. */
const MAX_BACKOFF_SHIFT = 6;

/**
 * The BLE scan watchdog (hardware/src/ble/DECISIONS.md §2). Evidence of a stall: the scanner's
 * `error` (discovery ended under us), a start refused with `BAKEN_ERR_BLE_SCAN_IN_PROGRESS`, the
 * scan not running, or silence: no advert from any device for `missedIntervals` × the shortest
 * expected advertising interval of the paired pendants (they advertise periodically), or
 * `fallbackSilenceMs` when none is known. Recovery escalates: a discovery restart first; if the
 * evidence is still there at the next check, or BlueZ answered `InProgress`, an adapter power
 * cycle. Each step is bounded in rate (per hour, and a minimum gap) and in time; after an adapter
 * reset that brought no advert back, the silence needed for the next one doubles (a home whose
 * only pendant is away is not reset all night). Any advert heard resets the ladder.
 * Time comes from the injected clock; `check()` is driven by the owner's timer.
 */
export class ScanWatchdog {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #scan: ScanState;
  readonly #counters: DeviceCounters;
  readonly #onAction: (report: ScanActionReport) => void;
  readonly #onRunning: (running: boolean, err: unknown) => void;
  readonly #opts: Required<ScanWatchdogOptions>;
  #scanner: BleScanner | undefined;
  #expectedMs: number[] = [];
  #lastHeard = 0;
  /** 0: next step is a restart; 1: a restart did not help, next step is an adapter reset. */
  #level = 0;
  #fruitlessResets = 0;
  #evidence: { reason: string; inProgress: boolean } | undefined;
  #history: { action: ScanAction; at: number }[] = [];
  #busy = false;

  constructor(
    deps: {
      clock: Clock;
      logger: Logger;
      scan: ScanState;
      counters: DeviceCounters;
      onAction: (report: ScanActionReport) => void;
      /** The scan runs again (`err` null) or does not; the owner keeps its state in step. */
      onRunning?: (running: boolean, err: unknown) => void;
    },
    opts: ScanWatchdogOptions = {},
  ) {
    this.#clock = deps.clock;
    this.#log = deps.logger;
    this.#scan = deps.scan;
    this.#counters = deps.counters;
    this.#onAction = deps.onAction;
    this.#onRunning = deps.onRunning ?? (() => undefined);
    this.#opts = {
      fallbackSilenceMs: opts.fallbackSilenceMs ?? HOUR_MS,
      missedIntervals: opts.missedIntervals ?? 2.5,
      minActionGapMs: opts.minActionGapMs ?? 60_000,
      maxRestartsPerHour: opts.maxRestartsPerHour ?? 6,
      maxAdapterResetsPerHour: opts.maxAdapterResetsPerHour ?? 2,
      stepTimeoutMs: opts.stepTimeoutMs ?? 30_000,
    };
    this.#lastHeard = this.#clock.monotonic();
  }

  /** The scanner to look after; silence is measured from now. */
  attach(scanner: BleScanner): void {
    this.#scanner = scanner;
    this.#lastHeard = this.#clock.monotonic();
  }

  /** Expected advertising intervals (ms) of the paired pendants that advertise periodically. */
  expect(intervalsMs: number[]): void {
    this.#expectedMs = intervalsMs.filter((ms) => Number.isFinite(ms) && ms > 0);
  }

  /** Silence after which the scan counts as stalled, before any back-off. */
  get silenceLimitMs(): number {
    if (this.#expectedMs.length === 0) return this.#opts.fallbackSilenceMs;
    return Math.min(...this.#expectedMs) * this.#opts.missedIntervals;
  }

  /** Any advert from any device: the scan works. */
  heard(): void {
    this.#lastHeard = this.#clock.monotonic();
    this.#level = 0;
    this.#fruitlessResets = 0;
  }

  /** The owner's own `start()` failed (or a step of ours did): evidence for the next check. */
  startFailed(err: unknown): void {
    this.#report(false, err);
    this.#note(err);
  }

  /** The owner's `start()` succeeded. */
  started(): void {
    this.#report(true, null);
  }

  /** The scanner emitted `error` (discovery ended under us): act now. */
  scannerError(err: unknown): Promise<void> {
    this.#note(err);
    return this.check();
  }

  async check(): Promise<void> {
    const scanner = this.#scanner;
    if (!scanner || this.#busy) return;
    const reason = this.#stallReason();
    if (reason === undefined) return;
    const action: ScanAction =
      this.#level >= 1 || this.#evidence?.inProgress === true ? 'adapter_reset' : 'restart';
    const now = this.#clock.monotonic();
    if (!this.#allowed(action, now)) return;
    this.#evidence = undefined;
    this.#history.push({ action, at: now });
    if (action === 'restart') this.#counters.scanRestarts += 1;
    else {
      this.#scan.adapterResets += 1;
      if (reason.startsWith('no advert')) this.#fruitlessResets += 1;
    }
    this.#scan.lastResetReason = `${action}: ${reason}`.slice(0, 128);
    this.#scan.lastResetAt = this.#clock.now();
    this.#level = 1;
    this.#lastHeard = now;
    const report = {
      action,
      reason,
      restarts: this.#counters.scanRestarts,
      adapterResets: this.#scan.adapterResets,
    };
    this.#log.warn(report, action === 'restart' ? 'restarting BLE scan' : 'power-cycling the BLE adapter');
    this.#onAction(report);
    this.#busy = true;
    try {
      await this.#bounded(action === 'restart' ? scanner.restart() : scanner.resetAdapter(), action);
      this.#report(true, null);
    } catch (err) {
      this.#report(false, err);
      this.#note(err);
      this.#log.error({ err: errorMessage(err), code: errorCode(err), action }, 'BLE scan recovery failed');
    } finally {
      this.#busy = false;
    }
  }

  #stallReason(): string | undefined {
    if (this.#evidence) return this.#evidence.reason;
    if (!this.#scan.running) return 'scan not running';
    const silent = this.#clock.monotonic() - this.#lastHeard;
    const limit = this.silenceLimitMs * 2 ** Math.min(this.#fruitlessResets, MAX_BACKOFF_SHIFT);
    if (silent < limit) return undefined;
    return `no advert for ${Math.round(silent / 1000)} s (expected within ${Math.round(limit / 1000)} s)`;
  }

  #allowed(action: ScanAction, now: number): boolean {
    this.#history = this.#history.filter((h) => now - h.at < HOUR_MS);
    const last = this.#history.at(-1);
    if (last !== undefined && now - last.at < this.#opts.minActionGapMs) return false;
    const max = action === 'restart' ? this.#opts.maxRestartsPerHour : this.#opts.maxAdapterResetsPerHour;
    return this.#history.filter((h) => h.action === action).length < max;
  }

  #note(err: unknown): void {
    const inProgress = errorCode(err) === 'BAKEN_ERR_BLE_SCAN_IN_PROGRESS';
    this.#evidence = { reason: errorMessage(err).slice(0, 100), inProgress };
  }

  #report(running: boolean, err: unknown): void {
    this.#scan.running = running;
    this.#scan.error =
      err === null ? null : `${errorCode(err) ?? 'BAKEN_ERR_BLE_ADAPTER'}: ${errorMessage(err)}`;
    this.#onRunning(running, err);
  }

  #bounded(step: Promise<void>, action: ScanAction): Promise<void> {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(
        () => reject(Object.assign(new Error(`${action} did not finish`), { code: 'BAKEN_ERR_BLE_SCAN' })),
        this.#opts.stepTimeoutMs,
        { unref: true },
      );
    });
    return Promise.race([step, timeout]).finally(() => this.#clock.clearTimeout(timer));
  }
}
