import type { BakenApp } from '../app-context.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Lease } from '../store/lease.js';
import { LeaseKeeper } from '../store/lease-keeper.js';

export interface PeriodicJobOptions {
  /** The lease's name, e.g. `health.sweep`: every instance running this job contends for it. */
  name: string;
  intervalMs: number;
  /** The work, given the instant it was due. */
  run: (now: number) => void | Promise<void>;
  /** A run that threw or rejected, or the lease's store that failed (the keeper goes on trying). */
  onError: (err: unknown, what: 'run' | 'lease') => void;
}

/**
 * Periodic work that must run on one instance at a time (store README, "The sweep lease"). A
 * {@link LeaseKeeper} with the job's interval keeps this instance's claim; on each of its tries
 * (every `intervalMs / 4` on the injected clock) the job runs if this instance holds the lease and
 * the run is due (`intervalMs` after this instance's last run, or after its start).
 *
 * - Hand-over: when the holder dies another instance holds the lease within one interval (the
 *   keeper's bound) and, having not run for that long, runs at once — so the work goes on within
 *   one interval (plus the store's answer). It may then run sooner than one interval after the
 *   dead holder's last run: guarded work must be safe to run twice.
 * - A run still going when the next is due is not doubled (an async run; the next waits).
 * - With the embedded deployment's in-memory lease the job runs at exactly the instants a plain
 *   `setInterval(run, intervalMs)` started with it ran (when `intervalMs` is a multiple of 4).
 */
export class PeriodicJob {
  readonly keeper: LeaseKeeper;
  #timer: TimerHandle | undefined;
  #running: Promise<boolean> | undefined;
  #nextDue = 0;

  constructor(
    lease: Lease,
    holder: string,
    private readonly clock: Clock,
    private readonly o: PeriodicJobOptions,
  ) {
    this.keeper = new LeaseKeeper(lease, holder, clock, {
      intervalMs: o.intervalMs,
      onError: (e) => o.onError(e, 'lease'),
    });
  }

  start(): void {
    if (this.#timer) return;
    this.#nextDue = this.clock.now() + this.o.intervalMs;
    this.#timer = this.clock.setInterval(() => this.#tick(), this.keeper.tickMs);
    this.#tick();
  }

  /** Stops the tries, waits for a run in progress, and releases the lease (handing over at once). */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.#timer) this.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.keeper.stop(opts);
  }

  #tick(): void {
    const answered = this.keeper.tick();
    // An in-memory lease has answered already; a database's answer arrives later.
    this.#runIfDue();
    answered.then(() => this.#runIfDue());
  }

  #runIfDue(): void {
    if (this.#timer && this.clock.now() >= this.#nextDue) void this.runOnce();
  }

  /**
   * Runs the work now if this instance holds the lease ({@link LeaseKeeper.held}, as `runIfHeld`
   * does): resolves whether it ran here (false: another instance holds it, or the last run still
   * goes). Synchronous work runs within this call, as it did under a plain timer.
   */
  runOnce(): Promise<boolean> {
    if (this.#running || !this.keeper.held()) return Promise.resolve(false);
    const now = this.clock.now();
    this.#nextDue = now + this.o.intervalMs;
    let out: void | Promise<void>;
    try {
      out = this.o.run(now);
    } catch (e) {
      this.o.onError(e, 'run');
      return Promise.resolve(true);
    }
    if (!(out instanceof Promise)) return Promise.resolve(true);
    const done = out
      .then(
        () => true,
        (e: unknown) => {
          this.o.onError(e, 'run');
          return true;
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
    this.#running = done;
    return done;
  }
}

/**
 * Runs `run` every `intervalMs` on one instance of the deployment (the holder of lease `name`),
 * started when the app is ready and stopped when it closes. Errors are logged with `what`.
 */
export function periodicJob(
  app: BakenApp,
  o: { name: string; intervalMs: number; run: (now: number) => void | Promise<void>; what: string },
): PeriodicJob {
  const { clock, cluster } = app.baken;
  const log = app.log.child({ job: o.name });
  const job = new PeriodicJob(cluster.lease(o.name), cluster.instanceId, clock, {
    name: o.name,
    intervalMs: o.intervalMs,
    run: o.run,
    onError: (err, kind) =>
      kind === 'run'
        ? log.error({ err }, `${o.what} failed`)
        : log.warn({ err }, `${o.what}: lease not reachable`),
  });
  app.addHook('onReady', async () => job.start());
  app.addHook('onClose', async () => job.stop());
  return job;
}
