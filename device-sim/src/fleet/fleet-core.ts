import { type Clock, SystemClock } from '@baken/hardware';
import { type Logger, pino } from 'pino';
import { LatencyHistogram } from './latency.js';
import { type FleetOptions, type ResolvedFleetOptions, resolveOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { type PendingEvent, SimHome } from './sim-home.js';
import { type FleetCounters, type FleetSnapshot, zeroCounters } from './stats.js';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Most acknowledged alarm ids remembered to tell a duplicate ack from an unknown one. */
const ACKED_MEMORY = 200_000;

/**
 * The fleet inside one process: its homes, one scheduler for all their timers, the Poisson
 * processes, and the counters. `LocalFleet` (fleet.ts) wraps it in the public control API.
 */
export class FleetCore {
  readonly opts: ResolvedFleetOptions;
  readonly clock: Clock;
  readonly random: () => number;
  readonly scheduler: Scheduler;
  readonly logger: Logger = pino({ level: 'silent' });
  readonly homes: SimHome[];
  readonly counters: FleetCounters = zeroCounters();
  readonly latency = new LatencyHistogram();
  readonly #failureReasons = new Map<string, number>();
  readonly #withPending = new Set<SimHome>();
  readonly #ackedAlarms = new Set<string>();
  #everConnected = 0;
  #started = 0;
  #firstConnectWaiters: Array<() => void> = [];
  #stopped = false;

  readonly #baseRss = process.memoryUsage.rss();

  constructor(o: FleetOptions) {
    this.opts = resolveOptions(o);
    this.clock = o.clock ?? new SystemClock();
    this.random = o.random ?? Math.random;
    this.scheduler = new Scheduler(this.clock);
    const { skewShare, skewMaxMs, firstIndex } = this.opts;
    this.homes = o.homes.map((id, i) => {
      const skew = this.random() < skewShare ? Math.round((2 * this.random() - 1) * skewMaxMs) : 0;
      return new SimHome(this, firstIndex + i, id, skew);
    });
  }

  count(k: keyof FleetCounters, n = 1): void {
    this.counters[k] += n;
  }

  /** One failed connection attempt; at most 20 distinct reasons are kept apart. */
  connectFailed(reason: string): void {
    this.counters.connectFailures += 1;
    const key = this.#failureReasons.has(reason) || this.#failureReasons.size < 20 ? reason : 'other';
    this.#failureReasons.set(key, (this.#failureReasons.get(key) ?? 0) + 1);
  }

  /** A heartbeat wait: the interval × (1 ± jitter). */
  heartbeatDelay(): number {
    const { heartbeatIntervalS: s, heartbeatJitter: j } = this.opts;
    return s * 1000 * (1 + j * (2 * this.random() - 1));
  }

  start(): void {
    this.#started = this.clock.monotonic();
    const perTick = Math.max(1, Math.ceil(this.opts.connectRate / 20));
    const tickMs = (perTick / this.opts.connectRate) * 1000;
    let next = 0;
    const ramp = (): void => {
      for (let i = 0; i < perTick && next < this.homes.length; i++) this.homes[next++]?.start();
      if (next < this.homes.length) this.scheduler.after(tickMs, ramp);
    };
    ramp();
    this.#poisson(this.opts.alarmsPerHomePerHour / 3600, (h) => h.alarm());
    this.#poisson(this.opts.keySafeOpeningsPerHomePerDay / 86_400, (h) => h.openKeySafe(20_000));
    this.#flapping();
    this.#ackSweep();
  }

  /** A fleet-wide Poisson process of `perHomePerS` × running homes, each event on a random home. */
  #poisson(perHomePerS: number, act: (h: SimHome) => boolean): void {
    if (perHomePerS <= 0 || this.homes.length === 0) return;
    const rate = perHomePerS * this.homes.length;
    const step = (): void => {
      const home = this.homes[Math.floor(this.random() * this.homes.length)];
      if (home?.connected) act(home);
      this.scheduler.after((-Math.log(1 - this.random()) / rate) * 1000, step);
    };
    this.scheduler.after((-Math.log(1 - this.random()) / rate) * 1000, step);
  }

  #flapping(): void {
    const { flapShare, flapEveryS } = this.opts;
    if (flapShare <= 0) return;
    for (const home of this.homes) {
      if (this.random() >= flapShare) continue;
      const again = (): void => {
        if (home.state === 'dead' || home.state === 'stopped') return;
        if (home.connected) {
          this.count('flaps');
          home.flap();
        }
        this.scheduler.after(flapEveryS * 1000 * (0.5 + this.random()), again);
      };
      this.scheduler.after(flapEveryS * 1000 * (0.5 + this.random()), again);
    }
  }

  #ackSweep(): void {
    const every = Math.max(250, this.opts.ackTimeoutMs / 4);
    const sweep = (): void => {
      const now = this.clock.monotonic();
      for (const h of this.#withPending) {
        if (h.pending === undefined) this.#withPending.delete(h);
        else if (h.connected) h.resendOverdue(now, this.opts.ackTimeoutMs);
      }
      this.scheduler.after(every, sweep);
    };
    this.scheduler.after(every, sweep);
  }

  trackPending(h: SimHome): void {
    this.#withPending.add(h);
  }

  acked(p: PendingEvent, now: number): void {
    if (!p.alarm) {
      this.count('eventsAcked');
      return;
    }
    this.count('alarmsAcked');
    this.latency.record(now - p.raisedAt);
    if (this.#ackedAlarms.size >= ACKED_MEMORY) this.#ackedAlarms.clear();
    this.#ackedAlarms.add(p.id);
  }

  unknownAck(id: string): void {
    this.count(this.#ackedAlarms.has(id) ? 'duplicateAcks' : 'unknownAcks');
  }

  homeConnectedFirst(_h: SimHome): void {
    this.#everConnected += 1;
    if (this.#everConnected === this.homes.length) for (const w of this.#firstConnectWaiters.splice(0)) w();
  }

  /** Resolves once every home has connected at least once. */
  allConnectedOnce(): Promise<void> {
    if (this.#everConnected === this.homes.length) return Promise.resolve();
    return new Promise((resolve) => this.#firstConnectWaiters.push(resolve));
  }

  /**
   * Up to `n` connected homes in `state`, spread over the fleet; with `idle`, only homes with no
   * event waiting for its ack (a fault injected there would strand it and count as a loss).
   */
  pick(n: number, state: SimHome['state'], idle = false): SimHome[] {
    const out: SimHome[] = [];
    const len = this.homes.length;
    if (len === 0 || n <= 0) return out;
    const start = Math.floor(this.random() * len);
    for (let k = 0; k < len && out.length < n; k++) {
      const h = this.homes[(start + k) % len]!;
      if (h.state === state && h.connected && (!idle || h.pending === undefined)) out.push(h);
    }
    return out;
  }

  snapshot(): FleetSnapshot {
    let connected = 0;
    let pendingAlarms = 0;
    let pendingEvents = 0;
    for (const h of this.homes) {
      if (h.sessionUp) connected += 1;
      for (const p of h.pending?.values() ?? []) {
        if (p.alarm) pendingAlarms += 1;
        else pendingEvents += 1;
      }
    }
    return {
      ...this.counters,
      homes: this.homes.length,
      connected,
      everConnected: this.#everConnected,
      pendingAlarms,
      pendingEvents,
      latency: this.latency.snapshot(),
      rssBytes: process.memoryUsage.rss(),
      baseRssBytes: this.#baseRss,
      cpuMs: cpuMs(),
      connectFailureReasons: Object.fromEntries(this.#failureReasons),
      processes: 1,
      elapsedMs: this.clock.monotonic() - this.#started,
    };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.scheduler.stop();
    // clean shutdowns in batches: each publishes `offline` and disconnects
    for (let i = 0; i < this.homes.length; i += 500)
      await Promise.all(this.homes.slice(i, i + 500).map((h) => h.stop().catch(() => undefined)));
  }
}
