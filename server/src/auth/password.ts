import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (RFC 7914). Stored form: `scrypt$N$r$p$saltB64$hashB64`, salt
 * 16 random bytes, key 64 bytes. Verification always runs a full scrypt and compares in constant
 * time; {@link verifyDummy} runs the same work for unknown users so that login timing does not
 * reveal whether a user exists. A stored hash carries its own parameters, so raising the cost never
 * locks anyone out: {@link needsRehash} tells login to store a new hash at the current cost.
 */
const KEY_LEN = 64;
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Human passwords: the OWASP Password Storage Cheat Sheet's scrypt minimum (N=2^17, r=8, p=1).
 * Each hash takes 128 MiB (128·N·r bytes) for a fraction of a second; `derive` allows twice that.
 */
export const HUMAN_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };

/**
 * Machine credentials (a gateway's random 256-bit MQTT password): no slow KDF is needed for a
 * random secret, and every MQTT CONNECT pays for it, so they keep the earlier, cheaper cost.
 */
export const MACHINE_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 14, r: 8, p: 1 };

/** The cost tests may configure at the lowest (`auth.scrypt`); production uses {@link HUMAN_SCRYPT}. */
export const MIN_SCRYPT_N = 2 ** 14;

function derive(secret: string, salt: Buffer, o: Readonly<ScryptParams>): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFKC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(
  secret: string,
  o: Readonly<ScryptParams> = HUMAN_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, o);
  return `scrypt$${o.N}$${o.r}$${o.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): (ScryptParams & { salt: Buffer; key: Buffer }) | null {
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

/** Whether `stored` was made at a lower cost than `target` (or is not a hash of ours). */
export function needsRehash(stored: string, target: Readonly<ScryptParams> = HUMAN_SCRYPT): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < target.N || parsed.r < target.r || parsed.p < target.p;
}

const DUMMY_SALT = randomBytes(16);
/** Burns the same scrypt work as a real verification at cost `o`; always false. */
export async function verifyDummy(secret: string, o: Readonly<ScryptParams> = HUMAN_SCRYPT): Promise<false> {
  await derive(secret, DUMMY_SALT, o);
  return false;
}
