import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import type { Lease } from '../lease.js';
import { LeaseKeeper } from '../lease-keeper.js';

/** A clock tests move by hand. */
export interface TestTime {
  now(): number;
}

/** Makes a lease of `name` on a shared store, reading time from `clock`. */
export type MakeLease = (name: string, clock: TestTime) => Lease;

const TTL = 1_000;

/** The `Lease` contract (store/lease.ts), run against every binding with an injected clock. */
export function leaseContract(binding: string, make: MakeLease): void {
  describe(`Lease contract: ${binding}`, () => {
    let n = 0;
    const setup = () => {
      let t = 1_765_432_100_000;
      const clock = { now: () => t };
      const name = `sweep-${++n}`;
      return {
        lease: make(name, clock),
        other: make(name, clock),
        clock,
        advance: (ms: number) => {
          t += ms;
        },
      };
    };

    it('is free at first; the first contender gets it, the second does not, the holder again does', async () => {
      const { lease, other } = setup();
      expect(await lease.holder()).toBeNull();
      expect(await lease.tryAcquire('a', TTL)).toBe(true);
      expect(await other.tryAcquire('b', TTL)).toBe(false);
      expect(await other.holder()).toBe('a');
      expect(await lease.tryAcquire('a', TTL)).toBe(true);
    });

    it('passes to another contender when the holder dies (stops renewing) at its expiry, not before', async () => {
      const { lease, other, advance } = setup();
      await lease.tryAcquire('a', TTL);
      advance(TTL - 1);
      expect(await other.tryAcquire('b', TTL)).toBe(false);
      expect(await other.holder()).toBe('a');
      advance(1);
      expect(await other.holder()).toBeNull();
      expect(await other.tryAcquire('b', TTL)).toBe(true);
      expect(await other.holder()).toBe('b');
      // the old holder, back from a pause, has lost it
      expect(await lease.renew('a', TTL)).toBe(false);
      expect(await lease.tryAcquire('a', TTL)).toBe(false);
    });

    it('renewing keeps it past the first expiry; only the holder renews, and only before expiry', async () => {
      const { lease, other, advance } = setup();
      await lease.tryAcquire('a', TTL);
      expect(await other.renew('b', TTL)).toBe(false);
      for (let i = 0; i < 5; i++) {
        advance(TTL / 2);
        expect(await lease.renew('a', TTL)).toBe(true);
      }
      expect(await other.tryAcquire('b', TTL)).toBe(false);
      advance(TTL);
      expect(await lease.renew('a', TTL)).toBe(false);
      expect(await lease.holder()).toBeNull();
    });

    it('release hands it over at once; a release by someone else changes nothing', async () => {
      const { lease, other } = setup();
      await lease.tryAcquire('a', TTL);
      await other.release('b');
      expect(await other.holder()).toBe('a');
      await lease.release('a');
      expect(await other.holder()).toBeNull();
      expect(await other.tryAcquire('b', TTL)).toBe(true);
    });

    it('two contenders at the same instant: exactly one wins, on a new lease and on an expired one', async () => {
      for (let round = 0; round < 10; round++) {
        const { lease, other, advance } = setup();
        const first = await Promise.all([lease.tryAcquire('a', TTL), other.tryAcquire('b', TTL)]);
        expect(first.filter(Boolean)).toHaveLength(1);
        advance(TTL);
        const again = await Promise.all([lease.tryAcquire('c', TTL), other.tryAcquire('d', TTL)]);
        expect(again.filter(Boolean)).toHaveLength(1);
        expect(['c', 'd']).toContain(await lease.holder());
      }
    });

    it('leases of different names are independent', async () => {
      const a = setup();
      const b = setup();
      expect(await a.lease.tryAcquire('a', TTL)).toBe(true);
      expect(await b.lease.tryAcquire('b', TTL)).toBe(true);
      expect(await a.other.holder()).toBe('a');
      expect(await b.other.holder()).toBe('b');
    });
  });
}

/**
 * `LeaseKeeper` (store/lease-keeper.ts) over a binding: exactly one keeper holds the lease at any
 * step, and when the holder dies another holds it within one interval, whatever the phase of the
 * death. Time is a ManualClock moved one keeper tick at a time.
 */
export function leaseKeeperContract(binding: string, make: MakeLease): void {
  describe(`LeaseKeeper over ${binding}`, () => {
    const INTERVAL = 15_000;
    let n = 0;

    const cluster = (count: number) => {
      const clock = new ManualClock(1_765_432_100_000);
      const name = `keeper-${++n}`;
      const keepers = Array.from(
        { length: count },
        (_, i) => new LeaseKeeper(make(name, clock), `instance-${i}`, clock, { intervalMs: INTERVAL }),
      );
      const step = async (ms: number) => {
        clock.advance(ms);
        await Promise.all(keepers.map((k) => k.idle()));
      };
      return { clock, keepers, step };
    };

    it('one of three instances holds the lease at every step; a clean stop hands over at the next try', async () => {
      const { keepers, step } = cluster(3);
      for (const k of keepers) k.start();
      await step(0);
      for (let i = 0; i < 12; i++) {
        expect(keepers.filter((k) => k.held())).toHaveLength(1);
        await step(INTERVAL / 4);
      }
      const holder = keepers.find((k) => k.held())!;
      await holder.stop();
      await step(INTERVAL / 4);
      expect(keepers.filter((k) => k !== holder && k.held())).toHaveLength(1);
      for (const k of keepers) await k.stop();
    });

    it('when the holder dies, another instance holds the lease within one interval, whatever the phases', async () => {
      const tick = INTERVAL / 4;
      for (const offset of [1, tick / 2, tick - 1])
        for (const phase of [1, tick - 1]) {
          const { keepers, step } = cluster(2);
          const [dead, other] = keepers as [LeaseKeeper, LeaseKeeper];
          dead.start();
          await step(offset);
          other.start(); // tries `offset` ms after the holder, every tick
          await step(tick - offset); // the holder renews here…
          expect(dead.held()).toBe(true);
          await step(phase); // …and dies `phase` ms later: kill -9, no release, no renewal
          await dead.stop({ release: false });
          let waited = 0;
          while (!other.held() && waited < 2 * INTERVAL) {
            await step(1);
            waited += 1;
          }
          expect(waited).toBeLessThanOrEqual(INTERVAL);
          await other.stop();
        }
    });

    it('runs the guarded work only while held', async () => {
      const { keepers, step } = cluster(2);
      for (const k of keepers) k.start();
      await step(0);
      const ran: string[] = [];
      for (const k of keepers) await k.runIfHeld(() => void ran.push(k.holder));
      expect(ran).toHaveLength(1);
      for (const k of keepers) await k.stop();
      expect(await keepers[0]!.runIfHeld(() => void ran.push('late'))).toBe(false);
    });
  });
}
