import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { KEYSAFE_KEY_BYTES, type KeysafeKeys } from './keysafe-keys.js';

/** The SQLite binding of {@link KeysafeKeys}. */
export class SqliteKeysafeKeys implements KeysafeKeys {
  constructor(
    private readonly db: Db,
    private readonly master: Buffer,
  ) {}

  /** Generates K for a key safe if it has none yet; returns true when a key was created. */
  ensure(deviceId: string, serial: string, now: number): boolean {
    if (this.has(deviceId)) return false;
    this.store(deviceId, serial, randomBytes(KEYSAFE_KEY_BYTES), now);
    return true;
  }

  /** Factory provisioning: import a key safe's K (e.g. from the production line). */
  importKey(deviceId: string, serial: string, key: Uint8Array, now: number): void {
    if (key.length !== KEYSAFE_KEY_BYTES) throw new Error('BAKEN_ERR_VALIDATION: key must be 32 bytes');
    this.db.prepare('DELETE FROM keysafe_keys WHERE device_id = ?').run(deviceId);
    this.store(deviceId, serial, Buffer.from(key), now);
  }

  has(deviceId: string): boolean {
    return this.db.prepare('SELECT 1 FROM keysafe_keys WHERE device_id = ?').get(deviceId) !== undefined;
  }

  /** K in clear, for signing and verifying only. */
  key(deviceId: string): { key: Uint8Array; serial: string } | null {
    const r = this.db
      .prepare('SELECT serial, key_sealed FROM keysafe_keys WHERE device_id = ?')
      .get(deviceId) as { serial: string; key_sealed: string } | undefined;
    if (!r) return null;
    const [iv, tag, ct] = r.key_sealed.split('.').map((p) => Buffer.from(p, 'base64'));
    const d = createDecipheriv('aes-256-gcm', this.master, iv!);
    d.setAAD(Buffer.from(deviceId));
    d.setAuthTag(tag!);
    return { key: new Uint8Array(Buffer.concat([d.update(ct!), d.final()])), serial: r.serial };
  }

  /** Reserves the next command counter (strictly increasing per key safe, KS-SERIAL §8.1). */
  nextCounter(deviceId: string): bigint {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT next_counter FROM keysafe_keys WHERE device_id = ?').get(deviceId) as
        | { next_counter: number }
        | undefined;
      if (!r) throw new Error('BAKEN_ERR_NOT_FOUND: no key for this key safe');
      this.db
        .prepare('UPDATE keysafe_keys SET next_counter = ? WHERE device_id = ?')
        .run(r.next_counter + 1, deviceId);
      return BigInt(r.next_counter);
    })();
  }

  /** After a STATUS shows the device's last counter ahead of ours (KS-SERIAL §9.4), jump past it. */
  resyncCounter(deviceId: string, deviceLastCounter: bigint): void {
    this.db
      .prepare('UPDATE keysafe_keys SET next_counter = MAX(next_counter, ?) WHERE device_id = ?')
      .run(Number(deviceLastCounter) + 1, deviceId);
  }

  private store(deviceId: string, serial: string, key: Buffer, now: number): void {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.master, iv);
    c.setAAD(Buffer.from(deviceId));
    const ct = Buffer.concat([c.update(key), c.final()]);
    const sealed = [iv, c.getAuthTag(), ct].map((b) => b.toString('base64')).join('.');
    this.db
      .prepare(
        'INSERT INTO keysafe_keys (device_id, serial, key_sealed, next_counter, created_at) VALUES (?,?,?,1,?)',
      )
      .run(deviceId, serial, sealed, now);
  }
}
