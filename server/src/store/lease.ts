import type { Clock } from '../clock.js';

/**
 * A named, time-limited lease: periodic work that must run on exactly one server instance (the
 * heartbeat sweep, budget alerts, retention purges) runs only while its instance holds the lease
 * (store README, "The sweep lease"). A lease is held by one `holder` (an instance id) until its
 * expiry; a holder that dies stops renewing and the lease falls free at its expiry, so another
 * contender takes it over. Times are epoch milliseconds of the binding's clock.
 *
 * Bindings: {@link LocalLease} (one process — the embedded SQLite deployment) and `PgLease`
 * (a lease row in PostgreSQL, shared by every instance).
 */
export interface Lease {
  readonly name: string;
  /**
   * Takes the lease for `ttlMs` if it is free, expired, or already `holder`'s (then it is a
   * renewal). Resolves true when `holder` holds it afterwards; false when another holder's lease
   * has not expired. Two contenders at the same time: at most one gets true.
   */
  tryAcquire(holder: string, ttlMs: number): Promise<boolean>;
  /**
   * Extends `holder`'s lease to `ttlMs` from now, only while it still holds it: false once it has
   * expired (even if nobody took it — call `tryAcquire` again) or another holder has it.
   */
  renew(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (a clean stop hands over at once); otherwise nothing. */
  release(holder: string): Promise<void>;
  /** The current holder, or null when the lease is free or expired. */
  holder(): Promise<string | null>;
  /**
   * `tryAcquire` answered at once, for a binding that needs no I/O (the in-memory lease): the
   * keeper then takes the answer in the same turn, so guarded work runs at the very instants it
   * would run without a lease, under a manual clock too.
   */
  tryAcquireNow?(holder: string, ttlMs: number): boolean;
}

/**
 * The lease of a single process: kept in memory on the injected clock. The embedded deployment
 * has one server process per SQLite file, so that process is always the one that gets it; the
 * contract is the same as PostgreSQL's, so code using a lease runs unchanged on either store.
 */
export class LocalLease implements Lease {
  #holder: string | null = null;
  #expiresAt = 0;

  constructor(
    readonly name: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  #current(): string | null {
    return this.#holder !== null && this.clock.now() < this.#expiresAt ? this.#holder : null;
  }

  async tryAcquire(holder: string, ttlMs: number): Promise<boolean> {
    return this.tryAcquireNow(holder, ttlMs);
  }

  tryAcquireNow(holder: string, ttlMs: number): boolean {
    const cur = this.#current();
    if (cur !== null && cur !== holder) return false;
    this.#holder = holder;
    this.#expiresAt = this.clock.now() + ttlMs;
    return true;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    if (this.#current() !== holder) return false;
    this.#expiresAt = this.clock.now() + ttlMs;
    return true;
  }

  async release(holder: string): Promise<void> {
    if (this.#holder === holder) this.#holder = null;
  }

  async holder(): Promise<string | null> {
    return this.#current();
  }
}
