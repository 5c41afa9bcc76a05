import { SimError } from '../errors.js';
import type { Fleet, FleetSummary } from './fleet-api.js';
import { FleetCore } from './fleet-core.js';
import type { FleetOptions } from './options.js';
import { type FleetSnapshot, type FleetStats, mergeSnapshots } from './stats.js';

/** Every home in this process. Used directly for small fleets and inside each worker process. */
export class LocalFleet implements Fleet {
  readonly core: FleetCore;

  constructor(opts: FleetOptions) {
    this.core = new FleetCore(opts);
  }

  start(): this {
    this.core.start();
    return this;
  }

  snapshot(): FleetSnapshot {
    return this.core.snapshot();
  }

  async stats(): Promise<FleetStats> {
    const s = this.core.snapshot();
    return mergeSnapshots([s], s.elapsedMs);
  }

  ready(timeoutMs = 120_000): Promise<void> {
    return this.#within(this.core.allConnectedOnce(), timeoutMs, 'not every home connected');
  }

  async alarm(n: number): Promise<number> {
    return this.core.pick(n, 'running').filter((h) => h.alarm()).length;
  }

  async storm(share: number, withinMs = 5_000): Promise<number> {
    const homes = this.core.pick(Math.round(share * this.core.homes.length), 'running');
    for (const h of homes) this.core.scheduler.after(withinMs * this.core.random(), () => h.alarm());
    return homes.length;
  }

  async killSilently(n: number): Promise<number> {
    const homes = this.core.pick(n, 'running', true);
    for (const h of homes) h.silence();
    this.core.count('silenced', homes.length);
    return homes.length;
  }

  async killWithWill(n: number): Promise<number> {
    const homes = this.core.pick(n, 'running', true);
    for (const h of homes) h.dieWithWill();
    this.core.count('diedWithWill', homes.length);
    return homes.length;
  }

  async flap(n: number): Promise<number> {
    const homes = this.core.pick(n, 'running');
    for (const h of homes) h.flap();
    this.core.count('flaps', homes.length);
    return homes.length;
  }

  async openKeySafes(n: number): Promise<number> {
    return this.core.pick(n, 'running').filter((h) => h.openKeySafe(20_000)).length;
  }

  async settle(timeoutMs = 30_000): Promise<boolean> {
    const { clock } = this.core;
    const until = clock.monotonic() + timeoutMs;
    for (;;) {
      const s = this.core.snapshot();
      if (s.pendingAlarms + s.pendingEvents === 0) return true;
      if (clock.monotonic() >= until) return false;
      await clock.sleep(50);
    }
  }

  async stop(opts: { drainMs?: number } = {}): Promise<FleetSummary> {
    await this.settle(opts.drainMs ?? 5_000);
    const s = await this.stats();
    await this.core.stop();
    return { ...s, lostAlarms: s.pendingAlarms, lostEvents: s.pendingEvents };
  }

  #within(p: Promise<void>, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = this.core.clock.setTimeout(
        () => reject(new SimError('BAKEN_ERR_SIM_FLEET_TIMEOUT', `${what} within ${ms} ms`)),
        ms,
        {
          unref: true,
        },
      );
      p.then(() => {
        this.core.clock.clearTimeout(t);
        resolve();
      }, reject);
    });
  }
}
