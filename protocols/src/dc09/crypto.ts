import { createCipheriv, createDecipheriv } from 'node:crypto';
import { fail, ok, type Result } from '../errors.js';

/**
 * DC-09 encryption — [DC09 SPEC §3]: AES-CBC with the account key (16, 24 or 32 bytes: AES-128/192/256),
 * an all-zero IV, no block padding scheme: the sender puts a random pad in front so the plaintext is a
 * whole number of 16-byte blocks, and the ciphertext travels as upper-case hex.
 */

/** Pad characters Baken sends: letters and digits, never `|`, `[` or `]` [DC09 SPEC §3.2]. */
const PAD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Source of random bytes for the pad; injected so the codec stays pure (tests pass a fixed one). */
export type Dc09Random = (n: number) => Uint8Array;

export function dc09CheckKey(key: Uint8Array | undefined): Result<Uint8Array> {
  if (!key || (key.length !== 16 && key.length !== 24 && key.length !== 32))
    return fail('BAKEN_ERR_DC09_KEY', 'key must be 16, 24 or 32 bytes (AES-128/192/256)', {
      bytes: key?.length ?? 0,
    });
  return ok(key);
}

/** 1–16 pad characters so that `pad + text` is a multiple of 16 bytes (never an empty pad). */
export function dc09Pad(textLength: number, random: Dc09Random): string {
  const n = 16 - (textLength % 16);
  const bytes = random(n);
  let pad = '';
  for (let i = 0; i < n; i++) pad += PAD_ALPHABET[(bytes[i] ?? i) % PAD_ALPHABET.length];
  return pad;
}

/** hex(AES-CBC(key, IV = 0, pad + '|' + inner)); `inner` is `data]…_timestamp`. */
export function dc09Encrypt(key: Uint8Array, inner: string, random: Dc09Random): Result<string> {
  const k = dc09CheckKey(key);
  if (!k.ok) return k;
  const plain = `|${inner}`;
  const padded = dc09Pad(plain.length, random) + plain;
  try {
    const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    cipher.setAutoPadding(false);
    const out = Buffer.concat([cipher.update(Buffer.from(padded, 'latin1')), cipher.final()]);
    return ok(out.toString('hex').toUpperCase());
  } catch {
    return fail('BAKEN_ERR_DC09_KEY', 'AES encryption failed', {});
  }
}

/**
 * Decrypts the hex body and strips the pad: the pad ends at the first `|` when one comes before the
 * first `]`, else at the `]` itself (panels that send `pad]_timestamp` for NULL and ACK). Trailing
 * bytes below 0x20 (PKCS#7 or NUL padding some senders add) are dropped. Returns `data]…_timestamp`.
 */
export function dc09Decrypt(key: Uint8Array, hex: string): Result<string> {
  const k = dc09CheckKey(key);
  if (!k.ok) return k;
  if (hex.length === 0 || hex.length % 32 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex))
    return fail('BAKEN_ERR_DC09_DECRYPT', 'encrypted body is not whole AES blocks in hex', {
      chars: hex.length,
    });
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]);
  } catch {
    return fail('BAKEN_ERR_DC09_DECRYPT', 'AES decryption failed', {});
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1]! < 0x20) end--;
  const close = plain.indexOf(0x5d); // ']'
  if (close < 0 || close >= end) return fail('BAKEN_ERR_DC09_DECRYPT', 'wrong key or corrupt message', {});
  const bar = plain.indexOf(0x7c); // '|'
  const from = bar >= 0 && bar < close ? bar + 1 : close;
  const inner = plain.subarray(from, end).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(inner))
    return fail('BAKEN_ERR_DC09_DECRYPT', 'wrong key or corrupt message', {});
  return ok(inner);
}

/**
 * An account key as people type it [DC09 SPEC §3.3]: `hex` — 32, 48 or 64 hex digits (the key bytes,
 * as the standard and most receivers take it); `ascii` — 16, 24 or 32 characters used as the key
 * bytes themselves (how some panels and open-source receivers take a "16-character key").
 */
export function dc09KeyFromText(text: string, format: 'hex' | 'ascii' = 'hex'): Result<Uint8Array> {
  if (format === 'ascii') {
    if (!/^[\x20-\x7e]*$/.test(text)) return fail('BAKEN_ERR_DC09_KEY', 'key must be printable ASCII', {});
    return dc09CheckKey(new Uint8Array(Buffer.from(text, 'latin1')));
  }
  if (!/^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$/.test(text))
    return fail('BAKEN_ERR_DC09_KEY', 'key must be 32, 48 or 64 hex digits', { chars: text.length });
  return ok(new Uint8Array(Buffer.from(text, 'hex')));
}
