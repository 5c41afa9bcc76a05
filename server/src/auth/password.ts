import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (RFC 7914). Stored form: `scrypt$N$r$p$saltB64$hashB64`, salt
 * 16 random bytes, key 64 bytes. Verification always runs a full scrypt and compares in constant
 * time; {@link verifyDummy} runs the same work for unknown users so that login timing does not
 * reveal whether a user exists.
 */
const KEY_LEN = 64;
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 16384, r: 8, p: 1 };

function derive(secret: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFKC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(
  secret: string,
  o: Readonly<ScryptParams> = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, o);
  return `scrypt$${o.N}$${o.r}$${o.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || N > 1 << 20) return null;
  return { N, r, p, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') };
}

export async function verifyPassword(secret: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length !== KEY_LEN) {
    await verifyDummy(secret);
    return false;
  }
  const key = await derive(secret, parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}

const DUMMY_SALT = randomBytes(16);
/** Burns the same scrypt work as a real verification; always false. */
export async function verifyDummy(secret: string): Promise<false> {
  await derive(secret, DUMMY_SALT, DEFAULT_SCRYPT);
  return false;
}
