import { createHmac } from 'node:crypto';
import { ProtocolError } from '../errors.js';

/** Hash functions allowed by RFC 6238 §1.2 (RFC 4226 itself is SHA-1 only). */
export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface HotpOptions {
  /** Number of decimal digits, 6..10 [RFC 4226 §5.3]. Default 6. */
  digits?: number;
  /** Default 'sha1' [RFC 4226 §5.2]. */
  algorithm?: OtpAlgorithm;
}

export interface TotpOptions extends HotpOptions {
  /** Time step X in seconds [RFC 6238 §4.1]. Default 30. */
  step?: number;
  /** Unix time T0 at which counting starts [RFC 6238 §4.1]. Default 0. */
  t0?: number;
}

const MAX_COUNTER = (1n << 64n) - 1n;

/**
 * Dynamic truncation [RFC 4226 §5.3]: offset = low nibble of the last byte, then the 31-bit
 * big-endian number at that offset. Returns -1 when the HMAC is shorter than 20 bytes.
 */
export function dynamicTruncate(hmac: Uint8Array): number {
  if (hmac.length < 20) return -1;
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  const b0 = hmac[offset] ?? 0;
  const b1 = hmac[offset + 1] ?? 0;
  const b2 = hmac[offset + 2] ?? 0;
  const b3 = hmac[offset + 3] ?? 0;
  return (b0 & 0x7f) * 0x1000000 + b1 * 0x10000 + b2 * 0x100 + b3;
}

/** Formats a truncated value as exactly `digits` decimal digits [RFC 4226 §5.3 step 3]. */
export function toDigits(value: number, digits: number): string {
  return (value % 10 ** digits).toString().padStart(digits, '0');
}

function counterBytes(counter: bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(counter);
  return buf;
}

function checkDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new ProtocolError('BAKEN_ERR_CODE_PARAMS', 'digits must be an integer 6..10', { digits });
  }
}

/**
 * HOTP(K, C) [RFC 4226 §5.3]. The counter is an 8-byte big-endian number. Throws a ProtocolError
 * (BAKEN_ERR_CODE_PARAMS) only for programming errors: bad digits or counter.
 */
export function hotp(key: Uint8Array, counter: number | bigint, options: HotpOptions = {}): string {
  const digits = options.digits ?? 6;
  checkDigits(digits);
  const c = typeof counter === 'bigint' ? counter : BigInt(Math.trunc(counter));
  if (c < 0n || c > MAX_COUNTER || (typeof counter === 'number' && !Number.isSafeInteger(counter))) {
    throw new ProtocolError('BAKEN_ERR_CODE_PARAMS', 'counter must be a non-negative 64-bit integer');
  }
  const mac = createHmac(options.algorithm ?? 'sha1', key)
    .update(counterBytes(c))
    .digest();
  return toDigits(dynamicTruncate(mac), digits);
}

/** The TOTP time counter T = floor((time - T0) / X) [RFC 6238 §4.2]. */
export function totpCounter(unixSeconds: number, step = 30, t0 = 0): bigint {
  if (!Number.isFinite(unixSeconds) || !Number.isInteger(step) || step <= 0 || unixSeconds < t0) {
    throw new ProtocolError('BAKEN_ERR_CODE_PARAMS', 'time must be >= T0 and step a positive integer');
  }
  return BigInt(Math.floor((unixSeconds - t0) / step));
}

/** TOTP [RFC 6238 §4.2] = HOTP with the time counter. Default 6 digits, SHA-1, 30 s, T0 = 0. */
export function totp(key: Uint8Array, unixSeconds: number, options: TotpOptions = {}): string {
  return hotp(key, totpCounter(unixSeconds, options.step ?? 30, options.t0 ?? 0), options);
}
