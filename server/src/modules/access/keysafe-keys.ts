import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Per-key-safe secrets (issue 7 §2, KS-SERIAL §8): the server holds each key safe's 32-byte key K,
 * sealed at rest with AES-256-GCM under a master key. K never leaves this file's callers: no API
 * returns it, no log line carries it. The offline-code key of the access-codes scheme is derived from
 * K as `HMAC-SHA-256(K, "BAKEN-OTC-KEY-v1/<generation>")` and pushed sealed into the offline slot by
 * SET_CODE kind 2 (KS-SERIAL §8.3); a new generation voids every outstanding offline code.
 */
export const KEYSAFE_KEY_BYTES = 32;
const OTC_KEY_LABEL = 'BAKEN-OTC-KEY-v1';

/**
 * The master key: `BAKEN_KEYSAFE_MASTER_KEY` (64 hex chars) if set, else `<dataDir>/keysafe-master.key`
 * (created 0600 on first start), else — in-memory stores for tests — a random per-process key.
 */
export function loadMasterKey(dataDir: string, env: Record<string, string | undefined>): Buffer {
  const fromEnv = env['BAKEN_KEYSAFE_MASTER_KEY'];
  if (fromEnv && /^[0-9a-fA-F]{64}$/.test(fromEnv)) return Buffer.from(fromEnv, 'hex');
  if (dataDir === ':memory:') return randomBytes(32);
  const file = join(dataDir, 'keysafe-master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export function offlineCodeKey(key: Uint8Array, generation = 0): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(`${OTC_KEY_LABEL}/${generation}`).digest());
}

export interface KeysafeKeys {
  /** Generates K for a key safe if it has none yet; returns true when a key was created. */
  ensure(deviceId: string, serial: string, now: number): boolean;
  /** Factory provisioning: import a key safe's K (e.g. from the production line). */
  importKey(deviceId: string, serial: string, key: Uint8Array, now: number): void;
  has(deviceId: string): boolean;
  /** K in clear, for signing and verifying only. */
  key(deviceId: string): { key: Uint8Array; serial: string } | null;
  /** Reserves the next command counter (strictly increasing per key safe, KS-SERIAL §8.1). */
  nextCounter(deviceId: string): bigint;
  /** After a STATUS shows the device's last counter ahead of ours (KS-SERIAL §9.4), jump past it. */
  resyncCounter(deviceId: string, deviceLastCounter: bigint): void;
}
