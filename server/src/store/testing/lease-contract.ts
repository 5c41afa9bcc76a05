import { describe, expect, it } from 'vitest';
import type { Lease } from '../lease.js';

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
