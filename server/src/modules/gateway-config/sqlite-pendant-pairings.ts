import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import { type PendantPairingRow, toPairing, toPairingRow } from './pendant-pairing-rows.js';
import type { PendantPairing, PendantPairingRepository } from './pendant-pairings.js';

/** SQLite binding of {@link PendantPairingRepository}, on the connection's async handle. */
export class SqlitePendantPairings implements PendantPairingRepository {
  private readonly h: SqliteHandle;
  constructor(
    db: Db | SqliteHandle,
    private readonly master: Buffer,
  ) {
    this.h = asSqliteHandle(db);
  }

  upsert(p: PendantPairing, by: string, now: number): Promise<void> {
    const r = toPairingRow(this.master, p);
    return this.h.run((db) => {
      db.prepare(
        `INSERT INTO pendant_pairings (device_id, address, format, key_sealed, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(device_id) DO UPDATE SET address = excluded.address, format = excluded.format,
           key_sealed = excluded.key_sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ).run(r.device_id, r.address, r.format, r.key_sealed, now, by);
    });
  }

  async get(deviceId: string): Promise<PendantPairing | null> {
    const r = await this.h.run(
      (db) =>
        db
          .prepare('SELECT device_id, address, format, key_sealed FROM pendant_pairings WHERE device_id = ?')
          .get(deviceId) as PendantPairingRow | undefined,
    );
    return r ? toPairing(this.master, r) : null;
  }
}
