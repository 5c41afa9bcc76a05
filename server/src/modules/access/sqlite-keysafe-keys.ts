import type { Db } from '../../store/database.js';
import type { KeysafeKeyStore, SealedKeysafeKey } from './keysafe-keys.js';

/** The SQLite binding of {@link KeysafeKeyStore} (`keysafe_keys`; holds sealed keys only). */
export class SqliteKeysafeKeyStore implements KeysafeKeyStore {
  constructor(private readonly db: Db) {}

  async has(deviceId: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM keysafe_keys WHERE device_id = ?').get(deviceId) !== undefined;
  }

  async get(deviceId: string): Promise<SealedKeysafeKey | null> {
    const r = this.db
      .prepare('SELECT serial, key_sealed FROM keysafe_keys WHERE device_id = ?')
      .get(deviceId) as { serial: string; key_sealed: string } | undefined;
    return r ? { serial: r.serial, sealed: r.key_sealed } : null;
  }

  async put(deviceId: string, key: SealedKeysafeKey, now: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO keysafe_keys (device_id, serial, key_sealed, next_counter, created_at) VALUES (?,?,?,1,?)
         ON CONFLICT(device_id) DO UPDATE SET serial = excluded.serial, key_sealed = excluded.key_sealed,
           next_counter = 1, created_at = excluded.created_at`,
      )
      .run(deviceId, key.serial, key.sealed, now);
  }

  async takeCounter(deviceId: string): Promise<bigint | null> {
    const r = this.db
      .prepare(
        'UPDATE keysafe_keys SET next_counter = next_counter + 1 WHERE device_id = ? RETURNING next_counter - 1 AS c',
      )
      .get(deviceId) as { c: number } | undefined;
    return r ? BigInt(r.c) : null;
  }

  async raiseCounter(deviceId: string, next: bigint): Promise<void> {
    this.db
      .prepare('UPDATE keysafe_keys SET next_counter = MAX(next_counter, ?) WHERE device_id = ?')
      .run(Number(next), deviceId);
  }
}
