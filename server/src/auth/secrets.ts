import { createHash, randomBytes } from 'node:crypto';

/**
 * Random bearer secrets (session ids, API tokens, enrolment tokens, gateway passwords): 32 random
 * bytes, base64url, with a readable prefix. They carry 256 bits of entropy, so a plain SHA-256 is
 * enough to store them (a slow hash is for human passwords).
 */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** A human-typable random password (for the first admin): 20 chars from an unambiguous alphabet. */
export function newHumanPassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    // Rejection sampling keeps the distribution uniform.
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
  }
  return out.length === length ? out : newHumanPassword(length);
}

/** The CSRF token of a session, derived from its secret id (never stored). */
export function csrfTokenFor(sessionSecret: string): string {
  return createHash('sha256').update(`csrf:${sessionSecret}`, 'utf8').digest('base64url');
}
