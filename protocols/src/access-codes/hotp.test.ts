import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { dynamicTruncate, hotp, toDigits, totp, totpCounter } from './hotp.js';
import { RFC4226_SECRET_ASCII, RFC4226_VECTORS, RFC6238_SEEDS, RFC6238_VECTORS } from './rfc-vectors.js';

const secret = Buffer.from(RFC4226_SECRET_ASCII, 'ascii');

describe('HOTP [RFC 4226 Appendix D]', () => {
  for (const v of RFC4226_VECTORS) {
    it(`count ${v.count}: HMAC, truncation and HOTP value`, () => {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(BigInt(v.count));
      const mac = createHmac('sha1', secret).update(counter).digest();
      expect(mac.toString('hex')).toBe(v.hmac);
      const truncated = dynamicTruncate(mac);
      expect(truncated).toBe(Number.parseInt(v.truncatedHex, 16));
      expect(truncated).toBe(v.truncatedDecimal);
      expect(hotp(secret, v.count)).toBe(v.hotp);
      expect(hotp(secret, BigInt(v.count))).toBe(v.hotp);
    });
  }

  it('refuses bad digits and counters with BAKEN_ERR_CODE_PARAMS', () => {
    expect(() => hotp(secret, 0, { digits: 5 })).toThrow(ProtocolError);
    expect(() => hotp(secret, 0, { digits: 11 })).toThrow(ProtocolError);
    expect(() => hotp(secret, -1)).toThrow(ProtocolError);
    expect(() => hotp(secret, 1n << 64n)).toThrow(ProtocolError);
    expect(() => hotp(secret, 2 ** 60)).toThrow(ProtocolError);
    try {
      hotp(secret, -1);
    } catch (e) {
      expect((e as ProtocolError).code).toBe('BAKEN_ERR_CODE_PARAMS');
    }
  });

  it('truncation rejects short MACs and digits pad with zeros', () => {
    expect(dynamicTruncate(new Uint8Array(19))).toBe(-1);
    expect(toDigits(42, 8)).toBe('00000042');
    expect(hotp(secret, 0, { digits: 10 })).toBe('1284755224');
  });
});

describe('TOTP [RFC 6238 Appendix B]', () => {
  for (const v of RFC6238_VECTORS) {
    it(`${v.utc} ${v.mode}`, () => {
      const seed = Buffer.from(RFC6238_SEEDS[v.mode], 'ascii');
      expect(totpCounter(v.time)).toBe(BigInt(`0x${v.t}`));
      expect(totp(seed, v.time, { digits: 8, algorithm: v.mode })).toBe(v.totp);
    });
  }

  it('honours T0 and the step, and refuses time before T0', () => {
    expect(totpCounter(100, 30, 40)).toBe(2n);
    expect(totpCounter(119, 60)).toBe(1n);
    expect(totp(secret, 59 + 1000, { t0: 1000, digits: 8 })).toBe('94287082');
    expect(() => totpCounter(10, 30, 20)).toThrow(ProtocolError);
    expect(() => totpCounter(10, 0)).toThrow(ProtocolError);
    expect(() => totpCounter(Number.NaN)).toThrow(ProtocolError);
  });
});
