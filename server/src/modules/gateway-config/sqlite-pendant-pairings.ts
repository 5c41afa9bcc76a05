import { openSecret, sealSecret } from '../../auth/sealed-secret.js';
import type { Db } from '../../store/database.js';
import type { PendantPairing, PendantPairingRepository } from './pendant-pairings.js';

/** SQLite binding: the key sealed with AES-256-GCM under the master key, bound to the pendant id. */
export class SqlitePendantPairings implements PendantPairingRepository {
  constructor(
    private readonly db: Db,
    private readonly master: Buffer,
  ) {}

  upsert(p: PendantPairing, by: string, now: number): void {
    const sealed = p.key ? sealSecret(this.master, `pendant:${p.deviceId}`, p.key) : null;
    this.db
      .prepare(
        `INSERT INTO pendant_pairings (device_id, address, format, key_sealed, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(device_id) DO UPDATE SET address = excluded.address, format = excluded.format,
           key_sealed = excluded.key_sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(p.deviceId, p.address.toUpperCase(), p.format, sealed, now, by);
  }

  get(deviceId: string): PendantPairing | null {
    const r = this.db
      .prepare('SELECT device_id, address, format, key_sealed FROM pendant_pairings WHERE device_id = ?')
      .get(deviceId) as
      | { device_id: string; address: string; format: 'bthome' | 'baken'; key_sealed: string | null }
      | undefined;
    if (!r) return null;
    return {
      deviceId: r.device_id,
      address: r.address,
      format: r.format,
      key: r.key_sealed ? openSecret(this.master, `pendant:${r.device_id}`, r.key_sealed) : null,
    };
  }
}
