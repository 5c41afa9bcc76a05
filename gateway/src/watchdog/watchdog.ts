import type { Clock, TimerHandle } from '@baken/hardware';
import type { Logger } from 'pino';
import type { Notifier } from './sd-notify.js';

export type HealthVerdict = { ok: true } | { ok: false; reason: string };

/**
 * One part of the unit that can tell whether it is still alive (the outbox, the uplink, …). The
 * watchdog's only coupling to the gateway: `check()` must be cheap and must not throw (a throw counts
 * as unhealthy). `start()`/`stop()` are for checks that listen to events.
 *
 * A check says "unhealthy" only for a state a restart can cure (a hang, a closed store). A state the
 * gateway already handles on its own (the network is down and it keeps retrying; the disk is failing
 * and alarms wait in memory) is reported in the heartbeat, never by withholding the watchdog: a
 * restart would only lose what is held in memory.
 */
export interface HealthCheck {
  readonly name: string;
  check(): HealthVerdict;
  start?(): void;
  stop?(): void;
}

export interface WatchdogOptions {
  /** `WatchdogSec=` in ms (from `WATCHDOG_USEC`); pings go out every half of it. Absent: READY only. */
  watchdogMs?: number;
  /** The event loop is sampled this often. Default 1 s. */
  sampleMs?: number;
  /** A sample later than its due time by more than this means a stalled loop. Default 10 s. */
  maxLagMs?: number;
}

export interface WatchdogState {
  healthy: boolean;
  /** Why the last ping was withheld (empty when healthy). */
  reasons: string[];
  /** Worst event-loop lag seen since the last ping decision, in ms. */
  worstLagMs: number;
  pings: number;
  withheld: number;
}

/**
 * The systemd watchdog of the home unit (docs/gateway-appliance.md). Contract:
 * - `start()` sends `READY=1` (call it when the gateway runs) and, with `watchdogMs`, decides every
 *   `watchdogMs / 2` whether to send `WATCHDOG=1`;
 * - it pings only when the event loop kept up (no sample later than `maxLagMs` since the previous
 *   decision) and every check is healthy; otherwise it withholds the ping, logs why and says so in
 *   `STATUS=`, so systemd restarts a unit that stays unhealthy for `WatchdogSec`;
 * - a loop that stalls sends nothing at all (its timers do not run), which systemd sees the same way;
 * - `stop()` sends `STOPPING=1` and releases its timers; both are safe to call twice.
 */
export class Watchdog {
  readonly #clock: Clock;
  readonly #notifier: Notifier;
  readonly #checks: readonly HealthCheck[];
  readonly #log: Logger;
  readonly #watchdogMs: number | undefined;
  readonly #sampleMs: number;
  readonly #maxLagMs: number;
  #sampleTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #lastSample = 0;
  #running = false;
  readonly #state: WatchdogState = { healthy: true, reasons: [], worstLagMs: 0, pings: 0, withheld: 0 };

  constructor(
    clock: Clock,
    notifier: Notifier,
    checks: readonly HealthCheck[],
    logger: Logger,
    opts: WatchdogOptions = {},
  ) {
    this.#clock = clock;
    this.#notifier = notifier;
    this.#checks = checks;
    this.#log = logger;
    this.#watchdogMs = opts.watchdogMs;
    this.#sampleMs = opts.sampleMs ?? 1_000;
    this.#maxLagMs = opts.maxLagMs ?? 10_000;
  }

  get state(): Readonly<WatchdogState> {
    return { ...this.#state, reasons: [...this.#state.reasons] };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const c of this.#checks) c.start?.();
    void this.#send({ READY: '1', STATUS: 'running' });
    if (this.#watchdogMs === undefined) return;
    this.#lastSample = this.#clock.monotonic();
    this.#sampleTimer = this.#clock.setInterval(() => this.#sample(), this.#sampleMs, { unref: true });
    const every = Math.max(1, Math.floor(this.#watchdogMs / 2));
    this.#pingTimer = this.#clock.setInterval(() => this.#decide(), every, { unref: true });
    this.#log.info({ watchdogMs: this.#watchdogMs, maxLagMs: this.#maxLagMs }, 'systemd watchdog armed');
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#clock.clearInterval(this.#sampleTimer);
    this.#clock.clearInterval(this.#pingTimer);
    this.#sampleTimer = undefined;
    this.#pingTimer = undefined;
    for (const c of this.#checks) c.stop?.();
    void this.#send({ STOPPING: '1', STATUS: 'stopping' });
  }

  /** How late this sample is: time since the previous one beyond its period. */
  #sample(): void {
    const now = this.#clock.monotonic();
    const lag = Math.max(0, now - this.#lastSample - this.#sampleMs);
    this.#lastSample = now;
    if (lag > this.#state.worstLagMs) this.#state.worstLagMs = lag;
  }

  #decide(): void {
    this.#sample();
    const reasons: string[] = [];
    if (this.#state.worstLagMs > this.#maxLagMs) {
      reasons.push(`event loop stalled for ${Math.round(this.#state.worstLagMs / 1000)} s`);
    }
    for (const c of this.#checks) {
      let verdict: HealthVerdict;
      try {
        verdict = c.check();
      } catch (err) {
        verdict = { ok: false, reason: `check failed: ${String(err)}` };
      }
      if (!verdict.ok) reasons.push(`${c.name}: ${verdict.reason}`);
    }
    this.#state.worstLagMs = 0;
    const healthy = reasons.length === 0;
    const changed = healthy !== this.#state.healthy || reasons.join() !== this.#state.reasons.join();
    this.#state.healthy = healthy;
    this.#state.reasons = reasons;
    if (healthy) {
      this.#state.pings += 1;
      void this.#send(changed ? { WATCHDOG: '1', STATUS: 'running' } : { WATCHDOG: '1' });
      if (changed) this.#log.info('watchdog: healthy again, pinging systemd');
      return;
    }
    this.#state.withheld += 1;
    if (changed) {
      this.#log.error(
        { reasons },
        'watchdog: unit unhealthy, ping withheld; systemd restarts the unit if this lasts WatchdogSec',
      );
      void this.#send({ STATUS: `unhealthy: ${reasons.join('; ')}` });
    }
  }

  async #send(fields: Record<string, string>): Promise<void> {
    const result = await this.#notifier.notify(fields);
    if (!result.ok) this.#log.warn({ reason: result.reason }, 'systemd notification not delivered');
  }
}
