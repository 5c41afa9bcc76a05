import type { PgHandle } from '../../store/pg/pg-database.js';
import { type PendantPairingRow, toPairing, toPairingRow } from './pendant-pairing-rows.js';
import type { PendantPairing, PendantPairingRepository } from './pendant-pairings.js';

/** PostgreSQL binding of {@link PendantPairingRepository} (migration `060-pendant-pairings`). */
export class PgPendantPairings implements PendantPairingRepository {
  constructor(
    private readonly db: PgHandle,
    private readonly master: Buffer,
  ) {}

  async upsert(p: PendantPairing, by: string, now: number): Promise<void> {
    const r = toPairingRow(this.master, p);
    await this.db.sql.query(
      `INSERT INTO pendant_pairings (device_id, address, format, key_sealed, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (device_id) DO UPDATE SET address = excluded.address, format = excluded.format,
         key_sealed = excluded.key_sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [r.device_id, r.address, r.format, r.key_sealed, now, by],
    );
  }

  async get(deviceId: string): Promise<PendantPairing | null> {
    const r = await this.db.sql.query<PendantPairingRow>(
      'SELECT device_id, address, format, key_sealed FROM pendant_pairings WHERE device_id = $1',
      [deviceId],
    );
    return r.rows[0] ? toPairing(this.master, r.rows[0]) : null;
  }
}
