import type { Clock, TimerHandle } from '../clock.js';
import type { Lease } from './lease.js';

export interface LeaseKeeperOptions {
  /** The period of the work the lease guards (e.g. the heartbeat sweep interval). */
  intervalMs: number;
  /** A try that failed (store unreachable); the keeper keeps trying. Never given a secret. */
  onError?: (err: unknown) => void;
}

/**
 * Keeps one instance's claim on a {@link Lease} for periodic work (store README, "The sweep
 * lease"): every `intervalMs / 4` it tries to take or renew the lease for `3/4 · intervalMs`.
 *
 * Hand-over bound: a holder renews at least every `interval/4`, so when it dies its lease expires
 * at most `3/4 · interval` after its death, and every other keeper tries at least every
 * `interval/4`: another instance holds the lease within one `intervalMs` of the death.
 *
 * `held()` is this instance's own view, measured from just before its request went out, so it
 * ends no later than the lease in the store ends: a holder cut off from the store stops running
 * the work before anyone else can take it over (as long as the clocks run at the same rate).
 */
export class LeaseKeeper {
  readonly ttlMs: number;
  readonly tickMs: number;
  #heldUntil = 0;
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly lease: Lease,
    readonly holder: string,
    private readonly clock: Clock,
    private readonly opts: LeaseKeeperOptions,
  ) {
    this.tickMs = Math.max(1, Math.floor(opts.intervalMs / 4));
    this.ttlMs = 3 * this.tickMs;
  }

  /** Tries at once, then every `tickMs`. */
  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = this.clock.setInterval(() => void this.tick(), this.tickMs);
    void this.tick();
  }

  /**
   * Stops trying. A clean stop releases the lease so another instance takes over at its next try;
   * `{ release: false }` stops as a crash would (tests of the hand-over).
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    const wasHeld = this.held();
    this.#heldUntil = 0;
    if (opts.release !== false && wasHeld) await this.lease.release(this.holder).catch(this.#report);
  }

  /** Until when (epoch ms, injected clock) this instance's own view says it holds the lease; 0 when not. */
  get heldUntil(): number {
    return this.#heldUntil;
  }

  /** Whether this instance may run the guarded work now. */
  held(): boolean {
    return this.clock.now() < this.#heldUntil;
  }

  /** Runs `work` only while this instance holds the lease; resolves whether it ran. */
  async runIfHeld(work: () => void | Promise<void>): Promise<boolean> {
    if (!this.held()) return false;
    await work();
    return true;
  }

  /**
   * One try to take or renew the lease (a try still in flight is awaited, not doubled); nothing
   * once stopped.
   */
  tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.lease.tryAcquireNow && !this.#inFlight) {
      const sentAt = this.clock.now();
      try {
        this.#heldUntil = this.lease.tryAcquireNow(this.holder, this.ttlMs) ? sentAt + this.ttlMs : 0;
      } catch (e) {
        this.#report(e); // keep the current view, as below
      }
      return Promise.resolve();
    }
    this.#inFlight ??= this.#try().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Resolves once no try is in flight (tests settle on it after moving a manual clock). */
  async idle(): Promise<void> {
    await this.#inFlight;
  }

  async #try(): Promise<void> {
    const sentAt = this.clock.now();
    try {
      const got = await this.lease.tryAcquire(this.holder, this.ttlMs);
      this.#heldUntil = got ? sentAt + this.ttlMs : 0;
    } catch (e) {
      // Keep the current view: it runs out by itself before the stored lease does.
      this.#report(e);
    }
  }

  readonly #report = (e: unknown): void => {
    this.opts.onError?.(e);
  };
}
