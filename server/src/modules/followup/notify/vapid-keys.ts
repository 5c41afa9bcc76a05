import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { configError } from '../../../config.js';

/** The server's VAPID key pair [RFC 8292], base64url (P-256): the public key goes to browsers. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const VAPID_PUBLIC_ENV = 'BAKEN_VAPID_PUBLIC_KEY';
export const VAPID_PRIVATE_ENV = 'BAKEN_VAPID_PRIVATE_KEY';

/** Base64url of exactly `bytes` bytes (an uncompressed P-256 point starts with 0x04). */
function isKey(s: string, bytes: number, first?: number): boolean {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(s)) return false;
  const b = Buffer.from(s, 'base64url');
  return b.length === bytes && (first === undefined || b[0] === first);
}

/**
 * The key pair from {@link VAPID_PUBLIC_ENV} + {@link VAPID_PRIVATE_ENV}, or undefined when neither
 * is set. Only one of them, or one that is not a P-256 VAPID key in base64url (as `npx web-push
 * generate-vapid-keys` prints): `BAKEN_ERR_CONFIG` naming it, never its value.
 */
export function vapidKeysFromEnv(env: Record<string, string | undefined>): VapidKeys | undefined {
  const pub = env[VAPID_PUBLIC_ENV] || undefined;
  const priv = env[VAPID_PRIVATE_ENV] || undefined;
  if (pub === undefined && priv === undefined) return undefined;
  const problems: Array<{ field: string; message: string }> = [];
  const how = 'e.g. from `npx web-push generate-vapid-keys`; the value is not shown';
  if (pub === undefined || priv === undefined)
    problems.push({
      field: pub === undefined ? VAPID_PUBLIC_ENV : VAPID_PRIVATE_ENV,
      message: `is not set but ${pub === undefined ? VAPID_PRIVATE_ENV : VAPID_PUBLIC_ENV} is: set both (one key pair, ${how}), or neither to keep the pair in the data folder (vapid-keys.json)`,
    });
  if (pub !== undefined && !isKey(pub, 65, 0x04))
    problems.push({ field: VAPID_PUBLIC_ENV, message: `is not a P-256 public key in base64url (${how})` });
  if (priv !== undefined && !isKey(priv, 32))
    problems.push({ field: VAPID_PRIVATE_ENV, message: `is not a P-256 private key in base64url (${how})` });
  if (problems.length > 0) throw configError(problems);
  return { publicKey: pub!, privateKey: priv! };
}

/**
 * {@link vapidKeysFromEnv} (refused when half set or malformed), else `<dataDir>/vapid-keys.json`
 * (created 0600 on first start; keep it: browsers subscribed under this public key). In memory for
 * tests. The clustered mode requires the variables (`checkKeysAtStart`).
 */
export function loadVapidKeys(dataDir: string, env: Record<string, string | undefined>): VapidKeys {
  const fromEnv = vapidKeysFromEnv(env);
  if (fromEnv) return fromEnv;
  if (dataDir === ':memory:') return webpush.generateVAPIDKeys();
  const file = join(dataDir, 'vapid-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(webpush.generateVAPIDKeys()), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const k = JSON.parse(readFileSync(file, 'utf8')) as VapidKeys;
  return { publicKey: k.publicKey, privateKey: k.privateKey };
}
