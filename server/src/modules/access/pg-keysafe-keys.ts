import type { PgHandle } from '../../store/pg/pg-database.js';
import type { KeysafeKeyStore, SealedKeysafeKey } from './keysafe-keys.js';

/** The PostgreSQL binding of {@link KeysafeKeyStore} (`keysafe_keys`; holds sealed keys only). */
export class PgKeysafeKeyStore implements KeysafeKeyStore {
  constructor(private readonly db: PgHandle) {}

  async has(deviceId: string): Promise<boolean> {
    const r = await this.db.sql.query('SELECT 1 FROM keysafe_keys WHERE device_id = $1', [deviceId]);
    return r.rows.length > 0;
  }

  async get(deviceId: string): Promise<SealedKeysafeKey | null> {
    const r = await this.db.sql.query<{ serial: string; key_sealed: string }>(
      'SELECT serial, key_sealed FROM keysafe_keys WHERE device_id = $1',
      [deviceId],
    );
    const row = r.rows[0];
    return row ? { serial: row.serial, sealed: row.key_sealed } : null;
  }

  async put(deviceId: string, key: SealedKeysafeKey, now: number): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO keysafe_keys (device_id, serial, key_sealed, next_counter, created_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (device_id) DO UPDATE SET serial = excluded.serial, key_sealed = excluded.key_sealed,
         next_counter = 1, created_at = excluded.created_at`,
      [deviceId, key.serial, key.sealed, now],
    );
  }

  // One statement under the row's lock: concurrent signers never share a counter [KS-SERIAL §8.1].
  async takeCounter(deviceId: string): Promise<bigint | null> {
    const r = await this.db.sql.query<{ c: number }>(
      'UPDATE keysafe_keys SET next_counter = next_counter + 1 WHERE device_id = $1 RETURNING next_counter - 1 AS c',
      [deviceId],
    );
    const row = r.rows[0];
    return row ? BigInt(row.c) : null;
  }

  async raiseCounter(deviceId: string, next: bigint): Promise<void> {
    await this.db.sql.query(
      'UPDATE keysafe_keys SET next_counter = GREATEST(next_counter, $1) WHERE device_id = $2',
      [Number(next), deviceId],
    );
  }
}
