import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configError } from '../../config.js';
import { BakenError } from '../../errors.js';

/**
 * Per-key-safe secrets (KS-SERIAL §8): the server holds each key safe's 32-byte key K,
 * sealed at rest with AES-256-GCM under a master key. K never leaves this file's callers: no API
 * returns it, no log line carries it. The offline-code key of the access-codes scheme is derived from
 * K as `HMAC-SHA-256(K, "BAKEN-OTC-KEY-v1/<generation>")` and pushed sealed into the offline slot by
 * SET_CODE kind 2 (KS-SERIAL §8.3); a new generation voids every outstanding offline code.
 */
export const KEYSAFE_KEY_BYTES = 32;

/** A key safe whose K the server does not hold: it cannot sign for it until the key is installed. */
export const keysafeNoKey = (): BakenError =>
  new BakenError(
    'BAKEN_ERR_KEYSAFE_NO_KEY',
    409,
    'This key safe has no key on the server yet: install its key (key-install, by the installer on site) or provision it, then try again.',
  );
const OTC_KEY_LABEL = 'BAKEN-OTC-KEY-v1';

/** The variable holding the master key (64 hex characters); the same on every clustered instance. */
export const MASTER_KEY_ENV = 'BAKEN_KEYSAFE_MASTER_KEY';

/**
 * The master key from {@link MASTER_KEY_ENV}, or undefined when it is not set (or empty). Set but
 * not 64 hex characters: `BAKEN_ERR_CONFIG` — never ignored, or the server would quietly seal new
 * secrets under another key (the data folder's) than the one the operator meant. Never prints it.
 */
export function masterKeyFromEnv(env: Record<string, string | undefined>): Buffer | undefined {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (/^[0-9a-fA-F]{64}$/.test(fromEnv.trim())) return Buffer.from(fromEnv.trim(), 'hex');
  throw configError([
    {
      field: MASTER_KEY_ENV,
      message:
        'is set but is not 64 hex characters (32 random bytes, e.g. from `openssl rand -hex 32`): fix it, or unset it to keep the key in the data folder (keysafe-master.key); the value is not shown',
    },
  ]);
}

/**
 * The master key: {@link MASTER_KEY_ENV} (64 hex chars) if set — refused when malformed — else
 * `<dataDir>/keysafe-master.key` (created 0600 on first start), else — in-memory stores for tests —
 * a random per-process key. The clustered mode requires the variable (`checkKeysAtStart`).
 */
export function loadMasterKey(dataDir: string, env: Record<string, string | undefined>): Buffer {
  const fromEnv = masterKeyFromEnv(env);
  if (fromEnv) return fromEnv;
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

/** A key safe's stored key: K sealed as `iv.tag.ciphertext` (base64 parts), never K in clear. */
export interface SealedKeysafeKey {
  serial: string;
  sealed: string;
}

/** Storage of sealed key-safe keys and their command counters [KS-SERIAL §8.1]. */
export interface KeysafeKeyStore {
  has(deviceId: string): Promise<boolean>;
  get(deviceId: string): Promise<SealedKeysafeKey | null>;
  /** Stores a sealed key with the command counter at 1, replacing any previous key of the device. */
  put(deviceId: string, key: SealedKeysafeKey, now: number): Promise<void>;
  /**
   * Returns the next counter and advances it in one statement: two callers at once never get the
   * same counter [KS-SERIAL §8.1]; null when the device has no key.
   */
  takeCounter(deviceId: string): Promise<bigint | null>;
  /** Raises the next counter to at least `next` (never lowers it). */
  raiseCounter(deviceId: string, next: bigint): Promise<void>;
}

/**
 * Key-safe keys over a {@link KeysafeKeyStore}: K is sealed with AES-256-GCM under the master key
 * (the device id as associated data) before it reaches storage, and unsealed only for signing.
 */
export class KeysafeKeys {
  constructor(
    private readonly store: KeysafeKeyStore,
    private readonly master: Buffer,
  ) {}

  /** Generates K for a key safe if it has none yet; returns true when a key was created. */
  async ensure(deviceId: string, serial: string, now: number): Promise<boolean> {
    if (await this.has(deviceId)) return false;
    await this.store.put(
      deviceId,
      { serial, sealed: this.seal(deviceId, randomBytes(KEYSAFE_KEY_BYTES)) },
      now,
    );
    return true;
  }

  /** Factory provisioning: import a key safe's K (e.g. from the production line). */
  async importKey(deviceId: string, serial: string, key: Uint8Array, now: number): Promise<void> {
    if (key.length !== KEYSAFE_KEY_BYTES) {
      throw new BakenError(
        'BAKEN_ERR_VALIDATION',
        400,
        `The key safe key must be ${KEYSAFE_KEY_BYTES} bytes, not ${key.length}; check the key from the production line.`,
        { details: [{ field: 'key', message: `must be ${KEYSAFE_KEY_BYTES} bytes` }] },
      );
    }
    await this.store.put(deviceId, { serial, sealed: this.seal(deviceId, Buffer.from(key)) }, now);
  }

  has(deviceId: string): Promise<boolean> {
    return this.store.has(deviceId);
  }

  /** K in clear, for signing and verifying only. */
  async key(deviceId: string): Promise<{ key: Uint8Array; serial: string } | null> {
    const r = await this.store.get(deviceId);
    if (!r) return null;
    const [iv, tag, ct] = r.sealed.split('.').map((p) => Buffer.from(p, 'base64'));
    const d = createDecipheriv('aes-256-gcm', this.master, iv!);
    d.setAAD(Buffer.from(deviceId));
    d.setAuthTag(tag!);
    return { key: new Uint8Array(Buffer.concat([d.update(ct!), d.final()])), serial: r.serial };
  }

  /** Reserves the next command counter (strictly increasing per key safe, KS-SERIAL §8.1). */
  async nextCounter(deviceId: string): Promise<bigint> {
    const c = await this.store.takeCounter(deviceId);
    if (c === null) throw keysafeNoKey();
    return c;
  }

  /** After a STATUS shows the device's last counter ahead of ours (KS-SERIAL §9.4), jump past it. */
  resyncCounter(deviceId: string, deviceLastCounter: bigint): Promise<void> {
    return this.store.raiseCounter(deviceId, deviceLastCounter + 1n);
  }

  private seal(deviceId: string, key: Buffer): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.master, iv);
    c.setAAD(Buffer.from(deviceId));
    const ct = Buffer.concat([c.update(key), c.final()]);
    return [iv, c.getAuthTag(), ct].map((b) => b.toString('base64')).join('.');
  }
}
