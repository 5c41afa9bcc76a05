import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dc09ParseCid } from './adm-cid.js';
import { Dc09Deframer } from './deframer.js';
import { dc09DecodeFrame } from './frame.js';
import { DC09_FOREIGN_VECTORS, DC09_GOLDEN_KEYS, DC09_GOLDEN_VECTORS } from './golden-vectors.js';
import { type Dc09Message, dc09Decode, dc09Encode } from './message.js';
import { dc09ReadReply } from './responses.js';
import { dc09ParseSia } from './sia-dcs.js';
import { dc09ParseTimestamp } from './timestamp.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const key = DC09_GOLDEN_KEYS.aes128;
const typed = (r: { ok: boolean; error?: { code: string } }): void => {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(r.error?.code).toMatch(/^BAKEN_ERR_DC09_/);
};
const frames = [...DC09_GOLDEN_VECTORS.map((v) => v.frame), ...Object.values(DC09_FOREIGN_VECTORS)].map(
  bytes,
);

describe('the DC-09 decoders are total [DC09 SPEC §2, house rule 1]', () => {
  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        typed(dc09Decode(b, () => key));
        typed(dc09ReadReply(b, { sequence: 1, line: '0', account: '1234', encrypted: true }, key));
      }),
      { numRuns: 3000 },
    );
  });

  it('random bytes between LF and CR, with a valid-looking head, never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        typed(
          dc09Decode(new Uint8Array([...bytes('\n00000000"*SIA-DCS"0001L0#1234['), ...b, 0x0d]), () => key),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('every truncation of every vector is a typed error, never a throw', () => {
    for (const f of frames) {
      for (let n = 0; n < f.length; n++) {
        const r = dc09Decode(f.subarray(0, n), () => key);
        expect(r.ok).toBe(false);
        typed(r);
      }
    }
  });

  it('one flipped byte never throws and never yields a different message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...frames), fc.nat(), fc.integer({ min: 1, max: 255 }), (f, i, x) => {
        const c = f.slice();
        const at = i % c.length;
        c[at] = c[at]! ^ x;
        const r = dc09Decode(c, () => key);
        typed(r);
        // accepted only when the flip was harmless (e.g. a CRC digit changed case): same message
        if (r.ok) expect(r).toEqual(dc09Decode(f, () => key));
      }),
      { numRuns: 3000 },
    );
  });

  it('invalid UTF-8 inside a frame with a correct CRC is a charset error', () => {
    const body = Buffer.concat([
      Buffer.from('"SIA-DCS"0001L0#1234[#1234|NBA1'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(']'),
    ]);
    let crc = 0;
    for (const b of body) {
      crc ^= b;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
    const f = Buffer.concat([Buffer.from(`\n${hex4(crc)}${hex4(body.length)}`), body, Buffer.from('\r')]);
    const r = dc09DecodeFrame(new Uint8Array(f));
    expect(!r.ok && r.error.code).toBe('BAKEN_ERR_DC09_CHARSET');
  });

  it('content parsers never throw on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        typed(dc09ParseSia(s));
        typed(dc09ParseCid(s));
        typed(dc09ParseTimestamp(s));
      }),
      { numRuns: 3000 },
    );
  });
});

const account = fc.stringMatching(/^[0-9A-Za-z]{1,16}$/);
const hex6 = fc.stringMatching(/^[0-9A-F]{1,6}$/);
const messageArb = fc.record({
  token: fc.constantFrom('SIA-DCS', 'ADM-CID', 'NULL', 'ACK' as const),
  encrypted: fc.boolean(),
  sequence: fc.integer({ min: 0, max: 9999 }),
  receiver: fc.option(hex6, { nil: undefined }),
  line: hex6,
  account,
  data: fc.stringMatching(/^[ -Z\\^-~]{0,40}$/),
  extended: fc.array(
    fc.record({
      id: fc.constantFrom('X', 'Y', 'M', 'V', 'H'),
      value: fc.stringMatching(/^[ -Z\\^-~]{0,20}$/),
    }),
    {
      maxLength: 3,
    },
  ),
  timestamp: fc.integer({ min: 0, max: 253402300799 }).map((s) => s * 1000),
});

describe('decode(encode(x)) is x', () => {
  it('for random messages, plain and encrypted with each key size', () => {
    fc.assert(
      fc.property(
        messageArb,
        fc.constantFrom(...Object.values(DC09_GOLDEN_KEYS)),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (m, k, pad) => {
          const msg: Dc09Message = { ...m };
          if (msg.receiver === undefined) delete msg.receiver;
          const e = dc09Encode(msg, { key: k, random: (n) => pad.subarray(0, n) });
          expect(e.ok).toBe(true);
          if (e.ok) expect(dc09Decode(e.value, () => k)).toEqual({ ok: true, value: msg });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the deframer returns the same frames for any chunking of a stream with garbage between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...frames), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }),
        (list, cuts) => {
          const stream = Buffer.concat(list.flatMap((f) => [Buffer.from('xx\r'), Buffer.from(f)]));
          const d = new Dc09Deframer();
          const out: Uint8Array[] = [];
          let i = 0;
          for (let c = 0; i < stream.length; c++) {
            const n = cuts[c % cuts.length]!;
            out.push(...d.push(new Uint8Array(stream.subarray(i, i + n))));
            i += n;
          }
          expect(out.map((f) => Buffer.from(f).toString('latin1'))).toEqual(
            list.map((f) => Buffer.from(f).toString('latin1')),
          );
          expect(d.stats.garbageBytes).toBe(3 * list.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
