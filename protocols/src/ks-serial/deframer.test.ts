import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KsDeframer } from './deframer.js';
import { KS_MAX_PAYLOAD, KS_SOF, type KsFrame, ksEncodeFrame } from './frame.js';

const encode = (f: KsFrame): Uint8Array => {
  const r = ksEncodeFrame(f);
  if (!r.ok) throw r.error;
  return r.value;
};
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Split `bytes` at the given (sorted, deduplicated) cut points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

const frameArb = fc.record({
  type: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: 64 }),
});
/** Noise without SOF bytes: a false start would be a legitimate (if improbable) CRC collision. */
const cleanNoise = fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => (x === KS_SOF ? 0x00 : x)));

describe('KsDeframer [KS-SERIAL §3.5]', () => {
  it('finds a frame split byte by byte', () => {
    const d = new KsDeframer();
    const bytes = encode({ type: 0x20, seq: 3, payload: Uint8Array.of(1, 2, 3) });
    const got: KsFrame[] = [];
    for (const b of bytes) got.push(...d.push(Uint8Array.of(b)));
    expect(got).toEqual([{ type: 0x20, seq: 3, payload: Uint8Array.of(1, 2, 3) }]);
    expect(d.stats).toEqual({ framesOk: 1, badCrc: 0, garbageBytes: 0, oversize: 0 });
    expect(d.pending).toBe(0);
  });

  it('finds every frame hidden in noise across arbitrary split points, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cleanNoise, frameArb), { maxLength: 8 }),
        cleanNoise,
        fc.array(fc.nat(), { maxLength: 20 }),
        (pairs, tail, cuts) => {
          const stream = concat([...pairs.flatMap(([n, f]) => [n, encode(f)]), tail]);
          const d = new KsDeframer();
          const got = split(stream, cuts).flatMap((c) => d.push(c));
          expect(got).toEqual(pairs.map(([, f]) => f));
          expect(d.stats.framesOk).toBe(pairs.length);
          expect(d.stats.badCrc).toBe(0);
        },
      ),
    );
  });

  it('never returns a corrupted frame and counts it; the next good frame still arrives', () => {
    fc.assert(
      fc.property(frameArb, frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (bad, good, at, mask) => {
        const corrupted = encode(bad);
        // Corrupt TYPE, SEQ, payload or CRC (LEN corruption is covered by the oversize/hostage cases);
        // CRC-16 detects every single-byte error, so this is deterministic.
        const i = 3 + (at % (corrupted.length - 3));
        corrupted[i] = corrupted[i]! ^ mask;
        const d = new KsDeframer();
        expect(d.push(concat([corrupted, encode(good)]))).toEqual([good]);
        expect(d.stats.badCrc).toBeGreaterThanOrEqual(1); // a SOF byte inside may add a false candidate
        expect(d.stats.framesOk).toBe(1);
      }),
    );
  });

  it('reports the bad CRC with the received SEQ and TYPE so the receiver can NAK', () => {
    const seen: [number, number][] = [];
    const d = new KsDeframer({ onBadCrc: (seq, type) => seen.push([seq, type]) });
    const bytes = encode({ type: 0x41, seq: 9, payload: Uint8Array.of(5, 6) });
    bytes[5] = bytes[5]! ^ 0xff;
    expect(d.push(bytes)).toEqual([]);
    expect(seen).toEqual([[9, 0x41]]);
    expect(d.stats.badCrc).toBe(1);
  });

  it('counts oversize LEN and resynchronises on the next byte', () => {
    const d = new KsDeframer();
    const good = { type: 1, seq: 2, payload: new Uint8Array(0) };
    const got = d.push(concat([Uint8Array.of(KS_SOF, 0xff, 0xff), encode(good)]));
    expect(got).toEqual([good]);
    expect(d.stats.oversize).toBe(1);
    expect(d.stats.garbageBytes).toBe(3);
  });

  it('is not held hostage by a false SOF whose LEN promises more bytes than arrive', () => {
    const d = new KsDeframer();
    const good = { type: 1, seq: 5, payload: new Uint8Array(0) };
    // SOF with LEN = KS_MAX_PAYLOAD: incomplete, but a complete valid frame follows.
    const got = d.push(
      concat([Uint8Array.of(KS_SOF, KS_MAX_PAYLOAD >> 8, KS_MAX_PAYLOAD & 0xff), encode(good)]),
    );
    expect(got).toEqual([good]);
    expect(d.pending).toBe(0);
  });

  it('holds a partial frame, and reset() drops it as garbage', () => {
    const d = new KsDeframer();
    const bytes = encode({ type: 1, seq: 1, payload: Uint8Array.of(1, 2, 3, 4) });
    expect(d.push(bytes.slice(0, 6))).toEqual([]);
    expect(d.pending).toBe(6);
    d.reset();
    expect(d.pending).toBe(0);
    expect(d.stats.garbageBytes).toBe(6);
    expect(d.push(bytes.slice(6))).toEqual([]);
  });

  it('survives arbitrary line noise: never throws, returns only CRC-valid frames, bounds its buffer', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const d = new KsDeframer();
        const whole = Buffer.from(concat(chunks));
        let total = 0;
        for (const c of chunks) {
          total += c.length;
          // Every frame returned is a CRC-valid frame that literally occurs in the input.
          for (const f of d.push(c)) expect(whole.indexOf(Buffer.from(encode(f)))).toBeGreaterThanOrEqual(0);
          expect(d.pending).toBeLessThanOrEqual(KS_MAX_PAYLOAD + 7);
        }
        const s = d.stats;
        expect(s.garbageBytes + d.pending).toBeLessThanOrEqual(total);
      }),
    );
  });
});
