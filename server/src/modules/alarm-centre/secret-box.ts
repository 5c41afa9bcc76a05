import { openSecret, sealSecret } from '../../auth/sealed-secret.js';
import { BakenError } from '../../errors.js';

export type KeyBits = 128 | 192 | 256;

/** DC-09 AES keys are 128, 192 or 256 bits [DC09 SPEC]. */
export function keyBits(key: Uint8Array): KeyBits {
  const bits = key.length * 8;
  if (bits !== 128 && bits !== 192 && bits !== 256)
    throw new BakenError('BAKEN_ERR_VALIDATION', 400, 'A DC-09 key must be 128, 192 or 256 bits.');
  return bits;
}

/**
 * Parses a key given as hex (32, 48 or 64 hex digits). The message never quotes the value: keys
 * are secrets and errors reach logs.
 */
export function parseHexKey(hex: string, field: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(hex))
    throw new BakenError('BAKEN_ERR_VALIDATION', 400, 'The DC-09 key must be 32, 48 or 64 hex digits.', {
      details: [{ field, message: 'must be 32, 48 or 64 hex digits (an AES-128, -192 or -256 key)' }],
    });
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Seals and opens account keys under the server's master key, bound to the record (AAD). */
export class SecretBox {
  constructor(private readonly master: Buffer) {}
  seal(aad: string, secret: Uint8Array): string {
    return sealSecret(this.master, aad, secret);
  }
  open(aad: string, sealed: string): Uint8Array {
    return openSecret(this.master, aad, sealed);
  }
}
