import type { Db } from '../../store/database.js';
import type { KeysafeKeyStore, SealedKeysafeKey } from './keysafe-keys.js';

/** The SQLite binding of {@link KeysafeKeyStore} (`keysafe_keys`; holds sealed keys only). */
export class SqliteKeysafeKeyStore implements KeysafeKeyStore {
  constructor(private readonly db: Db) {}

  has(deviceId: string): boolean {
    return this.db.prepare('SELECT 1 FROM keysafe_keys WHERE device_id = ?').get(deviceId) !== undefined;
  }

  get(deviceId: string): SealedKeysafeKey | null {
    const r = this.db
      .prepare('SELECT serial, key_sealed FROM keysafe_keys WHERE device_id = ?')
      .get(deviceId) as { serial: string; key_sealed: string } | undefined;
    return r ? { serial: r.serial, sealed: r.key_sealed } : null;
  }

  put(deviceId: string, key: SealedKeysafeKey, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM keysafe_keys WHERE device_id = ?').run(deviceId);
      this.db
        .prepare(
          'INSERT INTO keysafe_keys (device_id, serial, key_sealed, next_counter, created_at) VALUES (?,?,?,1,?)',
        )
        .run(deviceId, key.serial, key.sealed, now);
    })();
  }

  takeCounter(deviceId: string): bigint | null {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT next_counter FROM keysafe_keys WHERE device_id = ?').get(deviceId) as
        | { next_counter: number }
        | undefined;
      if (!r) return null;
      this.db
        .prepare('UPDATE keysafe_keys SET next_counter = ? WHERE device_id = ?')
        .run(r.next_counter + 1, deviceId);
      return BigInt(r.next_counter);
    })();
  }

  raiseCounter(deviceId: string, next: bigint): void {
    this.db
      .prepare('UPDATE keysafe_keys SET next_counter = MAX(next_counter, ?) WHERE device_id = ?')
      .run(Number(next), deviceId);
  }
}
