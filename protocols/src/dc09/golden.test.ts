import { describe, expect, it } from 'vitest';
import { DC09_CRC_CHECK, dc09Crc } from './crc.js';
import { dc09KeyFromText } from './crypto.js';
import {
  DC09_FOREIGN_T,
  DC09_FOREIGN_VECTORS,
  DC09_GOLDEN_ANSWERS,
  DC09_GOLDEN_KEYS,
  DC09_GOLDEN_T0,
  DC09_GOLDEN_VECTORS,
  dc09GoldenRandom,
} from './golden-vectors.js';
import { dc09Decode, dc09Encode } from './message.js';
import { dc09Ack, dc09Duh, dc09Nak, dc09ReadReply } from './responses.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('DC-09 golden vectors [DC09 SPEC §8]', () => {
  it('CRC-16/ARC check value of "123456789" is 0xBB3D', () => {
    expect(dc09Crc(bytes('123456789'))).toBe(0xbb3d);
    expect(DC09_CRC_CHECK).toBe(0xbb3d);
  });

  for (const v of DC09_GOLDEN_VECTORS) {
    const key = v.key ? DC09_GOLDEN_KEYS[v.key] : undefined;
    it(`encodes ${v.name} byte for byte`, () => {
      const r = dc09Encode(v.message, key ? { key, random: dc09GoldenRandom } : {});
      expect(r.ok && text(r.value)).toBe(v.frame);
    });
    it(`decodes ${v.name}`, () => {
      expect(dc09Decode(bytes(v.frame), () => key)).toEqual({ ok: true, value: v.message });
    });
  }

  const to = { sequence: 3, receiver: '12', line: '1', account: '1234' };
  it('builds ACK, *ACK, DUH and NAK byte for byte', () => {
    const ack = dc09Ack({ ...to, encrypted: false }, { now: DC09_GOLDEN_T0 });
    const enc = dc09Ack(
      { ...to, encrypted: true },
      { now: DC09_GOLDEN_T0, key: DC09_GOLDEN_KEYS.aes128, random: dc09GoldenRandom },
    );
    const duh = dc09Duh({ ...to, encrypted: false });
    const nak = dc09Nak(DC09_GOLDEN_T0);
    expect([ack, enc, duh, nak].map((r) => r.ok && text(r.value))).toEqual([
      DC09_GOLDEN_ANSWERS.ack,
      DC09_GOLDEN_ANSWERS.ackEncrypted,
      DC09_GOLDEN_ANSWERS.duh,
      DC09_GOLDEN_ANSWERS.nak,
    ]);
  });

  it('reads the answers back as the sender', () => {
    const key = DC09_GOLDEN_KEYS.aes128;
    const read = (s: string, encrypted: boolean) => dc09ReadReply(bytes(s), { ...to, encrypted }, key);
    expect(read(DC09_GOLDEN_ANSWERS.ack, false)).toEqual({ ok: true, value: { kind: 'ack' } });
    expect(read(DC09_GOLDEN_ANSWERS.ackEncrypted, true)).toEqual({
      ok: true,
      value: { kind: 'ack', timestamp: DC09_GOLDEN_T0 },
    });
    expect(read(DC09_GOLDEN_ANSWERS.duh, false)).toEqual({ ok: true, value: { kind: 'duh' } });
    expect(read(DC09_GOLDEN_ANSWERS.nak, true)).toEqual({
      ok: true,
      value: { kind: 'nak', timestamp: DC09_GOLDEN_T0 },
    });
  });
});

describe('frames other senders build [DC09 SPEC §8.2]', () => {
  const k128 = DC09_GOLDEN_KEYS.aes128;
  it('reads an encrypted NULL with an ASCII key and a pad without |', () => {
    const key = dc09KeyFromText('BakenTestKey0001', 'ascii');
    expect(key.ok).toBe(true);
    const r = dc09Decode(bytes(DC09_FOREIGN_VECTORS.nullAsciiKey), () => (key.ok ? key.value : undefined));
    expect(r).toEqual({
      ok: true,
      value: {
        token: 'NULL',
        encrypted: true,
        sequence: 42,
        receiver: '1',
        line: '1',
        account: 'AB12CD',
        data: '',
        extended: [],
        timestamp: DC09_FOREIGN_T,
      },
    });
  });

  it('reads *ACK with a zero pad and with a trailing PKCS#7 block', () => {
    for (const [frame, sequence] of [
      [DC09_FOREIGN_VECTORS.ackZeroPad, 7],
      [DC09_FOREIGN_VECTORS.ackPkcs7, 9],
    ] as const) {
      const r = dc09ReadReply(bytes(frame), { sequence, line: '0', account: '1234', encrypted: true }, k128);
      expect(r).toEqual({ ok: true, value: { kind: 'ack', timestamp: DC09_FOREIGN_T } });
    }
  });

  it('reads SIA-DCS behind a pad of control characters', () => {
    const r = dc09Decode(bytes(DC09_FOREIGN_VECTORS.siaControlPad), () => k128);
    expect(r.ok && r.value.data).toBe('#1234|Nri1/BA01');
  });

  it('reads lower-case CRC digits and a non-hex account', () => {
    const r = dc09Decode(bytes(DC09_FOREIGN_VECTORS.siaLowerCrcNonHexAccount));
    expect(r.ok && [r.value.account, r.value.data, r.value.timestamp]).toEqual([
      '006969XX',
      '#006969XX|Nri04/OP001NM',
      undefined,
    ]);
  });
});
