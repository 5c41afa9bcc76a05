import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KsEndpoint, type KsEndpointOutput, type KsHandleResult, type KsOutcome } from './endpoint.js';
import { ksEncodeMessage } from './message-codec.js';

const ack = (): KsHandleResult => ({ ack: true });

/** Small seeded PRNG (mulberry32), so a failing case replays from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface InTransit {
  at: number;
  bytes: Uint8Array;
}

/**
 * Two endpoints joined by a FIFO wire that loses and duplicates whole writes (like FaultySerialLink),
 * run on simulated time: A sends `count` events to B; returns what B acted on and A's outcomes.
 */
function run(seed: number, count: number, loss: number, dup: number) {
  const rnd = prng(seed);
  const config = { ackTimeoutMs: 300, maxTries: 12, busyRetryMs: 500, maxQueue: 64 };
  const a = new KsEndpoint({ sender: config, initialSeq: seed & 0xff });
  const b = new KsEndpoint({ sender: config });
  const toB: InTransit[] = [];
  const toA: InTransit[] = [];
  const handledByB: number[] = [];
  const outcomes: KsOutcome[] = [];
  let now = 0;
  const put = (q: InTransit[], out: KsEndpointOutput): void => {
    for (const bytes of out.out) {
      if (rnd() < loss) continue;
      q.push({ at: now + 5, bytes });
      if (rnd() < dup) q.push({ at: now + 6, bytes });
    }
  };
  for (let i = 0; i < count; i++) {
    const f = ksEncodeMessage({ kind: 'key_taken', hook: 1, eventSeq: i, deviceTime: 1000 + i }, 0);
    if (!f.ok) throw f.error;
    const out = a.send({ type: f.value.type, payload: f.value.payload, tag: `e${i}` }, now);
    outcomes.push(...out.outcomes);
    put(toB, out);
  }
  for (let steps = 0; steps < 100_000; steps++) {
    const candidates = [toB[0]?.at, toA[0]?.at, a.deadline, b.deadline].filter(
      (x): x is number => x !== undefined && x !== null,
    );
    if (candidates.length === 0) break;
    now = Math.max(now, Math.min(...candidates));
    if (toB[0] && toB[0].at <= now) {
      const item = toB.shift()!;
      put(
        toA,
        b.receive(item.bytes, now, (inbound) => {
          if ('msg' in inbound && inbound.msg.kind === 'key_taken') handledByB.push(inbound.msg.eventSeq);
          return ack();
        }),
      );
    } else if (toA[0] && toA[0].at <= now) {
      const out = a.receive(toA.shift()!.bytes, now, ack);
      outcomes.push(...out.outcomes);
      put(toB, out);
    } else {
      const out = a.tick(now);
      outcomes.push(...out.outcomes);
      put(toB, out);
      put(toA, b.tick(now));
    }
  }
  return { handledByB, outcomes };
}

describe('KsEndpoint (the one KS-SERIAL engine) — properties', () => {
  it('never throws on any bytes, in any chunking, at any time; its output is well formed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.nat(10_000)), { maxLength: 40 }),
        fc.boolean(),
        (chunks, nakBadCrc) => {
          const e = new KsEndpoint({ nakBadCrc });
          let now = 0;
          for (const [bytes, dt] of chunks) {
            now += dt;
            const out = e.receive(bytes, now, ack);
            expect(Array.isArray(out.out)).toBe(true);
            const t = e.tick(now);
            expect(t.deadline === null || Number.isFinite(t.deadline)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('acts on each message exactly once, in order, under loss and duplication', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (seed, count, loss, dup) => {
          const { handledByB, outcomes } = run(seed, count, loss, dup);
          // never twice, never out of order
          expect(new Set(handledByB).size).toBe(handledByB.length);
          expect([...handledByB].sort((x, y) => x - y)).toEqual(handledByB);
          // every message has one outcome; a delivered one was acted on
          const tags = outcomes.map((o) => o.tag);
          expect(new Set(tags).size).toBe(count);
          for (const o of outcomes) {
            if (o.kind === 'delivered') expect(handledByB).toContain(Number(o.tag.slice(1)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('delivers everything over a clean wire with duplicates only', () => {
    const { handledByB, outcomes } = run(7, 10, 0, 0.5);
    expect(handledByB).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
  });
});
