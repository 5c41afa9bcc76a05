import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';

/** The server's VAPID key pair [RFC 8292], base64url (P-256): the public key goes to browsers. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * `BAKEN_VAPID_PUBLIC_KEY` + `BAKEN_VAPID_PRIVATE_KEY`, else `<dataDir>/vapid-keys.json` (created
 * 0600 on first start; keep it: browsers subscribed under this public key). In memory for tests.
 */
export function loadVapidKeys(dataDir: string, env: Record<string, string | undefined>): VapidKeys {
  const pub = env['BAKEN_VAPID_PUBLIC_KEY'];
  const priv = env['BAKEN_VAPID_PRIVATE_KEY'];
  if (pub && priv) return { publicKey: pub, privateKey: priv };
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
