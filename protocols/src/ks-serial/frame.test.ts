import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KS_CRC16_CHECK, ksCrc16 } from './crc16.js';
import { KS_MAX_PAYLOAD, ksDecodeFrame, ksEncodeFrame } from './frame.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('CRC-16/CCITT-FALSE [KS-SERIAL §3.3]', () => {
  it('has the catalogue check value 0x29B1 for "123456789"', () => {
    expect(ksCrc16(ascii('123456789'))).toBe(0x29b1);
    expect(KS_CRC16_CHECK).toBe(0x29b1);
  });
  it('is 0xFFFF (init, no xorout) for empty input and honours a sub-range', () => {
    expect(ksCrc16(new Uint8Array(0))).toBe(0xffff);
    expect(ksCrc16(ascii('xx123456789yy'), 2, 11)).toBe(0x29b1);
  });
});

describe('frame codec [KS-SERIAL §3.1]', () => {
  it('encodes SOF, big-endian LEN, TYPE, SEQ, payload and big-endian CRC', () => {
    const r = ksEncodeFrame({ type: 0x01, seq: 7, payload: new Uint8Array(0) });
    expect(r.ok && hex(r.value)).toBe('a500000107c716');
  });

  it('round-trips any frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: KS_MAX_PAYLOAD }),
        (type, seq, payload) => {
          const enc = ksEncodeFrame({ type, seq, payload });
          expect(enc.ok).toBe(true);
          if (!enc.ok) return;
          expect(ksDecodeFrame(enc.value)).toEqual({ ok: true, value: { type, seq, payload } });
        },
      ),
    );
  });

  it('refuses to encode oversize payloads and non-u8 type/seq', () => {
    const big = ksEncodeFrame({ type: 1, seq: 0, payload: new Uint8Array(KS_MAX_PAYLOAD + 1) });
    expect(!big.ok && big.error.code).toBe('BAKEN_ERR_FRAME_TOO_LONG');
    const badSeq = ksEncodeFrame({ type: 1, seq: 256, payload: new Uint8Array(0) });
    expect(!badSeq.ok && badSeq.error.code).toBe('BAKEN_ERR_MESSAGE_TYPE');
  });

  it('reports each malformation with its code', () => {
    const good = ksEncodeFrame({ type: 0x20, seq: 1, payload: Uint8Array.of(1, 2, 3) });
    if (!good.ok) throw good.error;
    const g = good.value;
    const code = (b: Uint8Array): string | undefined => {
      const r = ksDecodeFrame(b);
      return r.ok ? undefined : r.error.code;
    };
    expect(code(g.slice(0, 6))).toBe('BAKEN_ERR_FRAME_TOO_SHORT');
    expect(code(Uint8Array.of(0x7e, ...g.slice(1)))).toBe('BAKEN_ERR_FRAME_START');
    expect(code(Uint8Array.of(0xa5, 0x01, 0x01, 0, 0, 0, 0))).toBe('BAKEN_ERR_FRAME_TOO_LONG');
    expect(code(Uint8Array.of(...g, 0))).toBe('BAKEN_ERR_FRAME_LENGTH');
    const flipped = g.slice();
    flipped[6] = flipped[6]! ^ 0x01;
    expect(code(flipped)).toBe('BAKEN_ERR_FRAME_CRC');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = ksDecodeFrame(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
