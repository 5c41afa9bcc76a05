import type { BakenApp } from '../app-context.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Lease } from '../store/lease.js';
import { LeaseKeeper } from '../store/lease-keeper.js';

export interface LeaderRoleOptions {
  /** The period within which another instance takes the role over when the holder dies. */
  intervalMs: number;
  /** This instance now holds the role: start the work (timers, queues). */
  onGain: () => void;
  /** This instance no longer holds it (lost, or stopping): stop the work at once. */
  onLose: () => void;
  onError: (err: unknown) => void;
}

/**
 * Long-running work that must run on one instance at a time — a sender keeping one message in
 * flight per account, with its own retry timers — rather than a run every interval
 * ({@link PeriodicJob}). The instance holding the lease has the role: `onGain` when it takes the
 * lease, `onLose` when its own view of the lease runs out (checked at that very instant on the
 * injected clock, so before the stored lease expires and another instance could take it) or when
 * it stops. A dead holder's role passes within `intervalMs`.
 */
export class LeaderRole {
  readonly keeper: LeaseKeeper;
  #timer: TimerHandle | undefined;
  #expiry: TimerHandle | undefined;
  #leading = false;

  constructor(
    lease: Lease,
    holder: string,
    private readonly clock: Clock,
    private readonly o: LeaderRoleOptions,
  ) {
    this.keeper = new LeaseKeeper(lease, holder, clock, { intervalMs: o.intervalMs, onError: o.onError });
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = this.clock.setInterval(() => this.#tick(), this.keeper.tickMs);
    this.#tick();
  }

  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.#timer) this.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#set(false);
    await this.keeper.stop(opts);
  }

  #tick(): void {
    const answered = this.keeper.tick();
    this.#check();
    answered.then(() => this.#check());
  }

  #check(): void {
    if (!this.#timer) return;
    const held = this.keeper.held();
    this.#set(held);
    if (!held) return;
    if (this.#expiry) this.clock.clearTimeout(this.#expiry);
    this.#expiry = this.clock.setTimeout(() => {
      this.#expiry = undefined;
      this.#check();
    }, this.keeper.heldUntil - this.clock.now());
  }

  #set(leading: boolean): void {
    if (!leading && this.#expiry) {
      this.clock.clearTimeout(this.#expiry);
      this.#expiry = undefined;
    }
    if (leading === this.#leading) return;
    this.#leading = leading;
    try {
      if (leading) this.o.onGain();
      else this.o.onLose();
    } catch (e) {
      this.o.onError(e);
    }
  }
}

/**
 * Gives this instance the role `name` while it holds the lease of that name (started when the
 * app is ready, stopped — calling `onLose` — when it closes).
 */
export function leaderRole(
  app: BakenApp,
  o: { name: string; intervalMs: number; onGain: () => void; onLose: () => void; what: string },
): LeaderRole {
  const { clock, cluster } = app.baken;
  const log = app.log.child({ role: o.name });
  const role = new LeaderRole(cluster.lease(o.name), cluster.instanceId, clock, {
    intervalMs: o.intervalMs,
    onGain: o.onGain,
    onLose: o.onLose,
    onError: (err) => log.warn({ err }, `${o.what}: lease not reachable or role change failed`),
  });
  app.addHook('onReady', async () => role.start());
  app.addHook('onClose', async () => role.stop());
  return role;
}
