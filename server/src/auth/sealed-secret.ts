import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BakenError } from '../errors.js';

/**
 * Secrets at rest (device keys): AES-256-GCM under the server's master key, bound to a record id by
 * the additional authenticated data, so a sealed value copied to another row does not open.
 * Format: `base64(iv).base64(tag).base64(ciphertext)`.
 */
export function sealSecret(master: Buffer, aad: string, secret: Uint8Array): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(secret), c.final()]);
  return [iv, c.getAuthTag(), ct].map((b) => b.toString('base64')).join('.');
}

/** Opens a value made by {@link sealSecret}; throws when it was altered or belongs to another record. */
export function openSecret(master: Buffer, aad: string, sealed: string): Uint8Array {
  const [iv, tag, ct] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
  if (!iv || !tag || !ct)
    throw new BakenError(
      'BAKEN_ERR_INTERNAL',
      500,
      'A sealed secret in the store is malformed; the stored record was altered or damaged.',
    );
  const d = createDecipheriv('aes-256-gcm', master, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
}
