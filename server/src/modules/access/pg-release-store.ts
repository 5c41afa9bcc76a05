import type { PgHandle } from '../../store/pg/pg-database.js';
import type { AlarmReleaseRow, Release, ReleaseStore } from './releases.js';
import { RELEASE_COLUMNS, releaseValues, toRelease } from './sqlite-release-store.js';

const P18 = Array.from({ length: 18 }, (_, i) => `$${i + 1}`).join(', ');
const ONLINE_OUTSTANDING =
  "mode IN ('online_pin','phone_code') AND revoked_at IS NULL AND opened_at IS NULL AND valid_until > $21";

/** The PostgreSQL binding of {@link ReleaseStore} (`access_releases`). */
export class PgReleaseStore implements ReleaseStore {
  constructor(private readonly db: PgHandle) {}

  async insert(r: Release): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO access_releases (${RELEASE_COLUMNS}) VALUES (${P18})`,
      releaseValues(r),
    );
  }

  /**
   * The PIN slots of one key safe are claimed one at a time (an advisory lock per key safe, held to
   * the end of the transaction): a slot's being free depends on time and on other tables, which no
   * unique index can say, so the check and the insert must not interleave with another claim.
   */
  async insertIfPinSlotFree(r: Release, now: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.sql.query("SELECT pg_advisory_xact_lock(hashtextextended('access.pin-slot:' || $1, 0))", [
        r.deviceId,
      ]);
      const res = await tx.sql.query(
        `INSERT INTO access_releases (${RELEASE_COLUMNS}) SELECT ${P18}
         WHERE NOT EXISTS (SELECT 1 FROM access_releases WHERE device_id = $19 AND slot = $20 AND ${ONLINE_OUTSTANDING})
           AND NOT EXISTS (SELECT 1 FROM keysafe_commands WHERE device_id = $19 AND purpose = 'void_release'
             AND status IN ('pending','sent') AND (params::jsonb ->> 'slot')::int = $20)`,
        [...releaseValues(r), r.deviceId, r.slot, now],
      );
      return (res.rowCount ?? 0) > 0;
    });
  }

  // The unique index on a window code's window and slot decides (migration 020).
  async insertIfWindowSlotFree(r: Release): Promise<boolean> {
    const res = await this.db.sql.query(
      `INSERT INTO access_releases (${RELEASE_COLUMNS}) VALUES (${P18})
       ON CONFLICT (device_id, valid_from, valid_until, slot) WHERE mode = 'offline_window' DO NOTHING`,
      releaseValues(r),
    );
    return (res.rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<Release | null> {
    const r = await this.db.sql.query('SELECT * FROM access_releases WHERE id = $1', [id]);
    return r.rows[0] ? toRelease(r.rows[0]) : null;
  }

  async outstanding(
    filter: { deviceId?: string; userId?: string; teamId?: string },
    now: number,
  ): Promise<Release[]> {
    const where = ['revoked_at IS NULL', 'opened_at IS NULL', 'valid_until > $1'];
    const args: unknown[] = [now];
    for (const [col, v] of [
      ['device_id', filter.deviceId],
      ['user_id', filter.userId],
      ['team_id', filter.teamId],
    ] as const) {
      if (v !== undefined) {
        args.push(v);
        where.push(`${col} = $${args.length}`);
      }
    }
    const r = await this.db.sql.query(
      `SELECT * FROM access_releases WHERE ${where.join(' AND ')} ORDER BY issued_at, id COLLATE "C"`,
      args,
    );
    return r.rows.map(toRelease);
  }

  async byWindow(
    deviceId: string,
    w: { validFrom: number; validUntil: number; slot: number },
  ): Promise<Release | null> {
    const r = await this.db.sql.query(
      `SELECT * FROM access_releases WHERE device_id = $1 AND mode = 'offline_window'
       AND valid_from = $2 AND valid_until = $3 AND slot = $4`,
      [deviceId, w.validFrom, w.validUntil, w.slot],
    );
    return r.rows[0] ? toRelease(r.rows[0]) : null;
  }

  async markOpened(id: string, at: number): Promise<boolean> {
    const r = await this.db.sql.query(
      'UPDATE access_releases SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL',
      [at, id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async markRevoked(ids: string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.sql.query(
      'UPDATE access_releases SET revoked_at = $1 WHERE id = ANY($2::text[]) AND revoked_at IS NULL',
      [at, ids],
    );
  }

  async list(filter: {
    homeId?: string;
    userId?: string;
    since?: number;
    until?: number;
    limit: number;
  }): Promise<Release[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [cond, v] of [
      ['home_id =', filter.homeId],
      ['user_id =', filter.userId],
      ['issued_at >=', filter.since],
      ['issued_at <', filter.until],
    ] as const) {
      if (v !== undefined) {
        args.push(v);
        where.push(`${cond} $${args.length}`);
      }
    }
    args.push(filter.limit);
    const r = await this.db.sql.query(
      `SELECT * FROM access_releases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY issued_at DESC, id COLLATE "C" DESC LIMIT $${args.length}`,
      args,
    );
    return r.rows.map(toRelease);
  }

  async usedPinSlots(deviceId: string, now: number): Promise<Set<number>> {
    const r = await this.db.sql.query<{ slot: number }>(
      `SELECT slot FROM access_releases WHERE device_id = $1 AND mode IN ('online_pin','phone_code')
       AND revoked_at IS NULL AND opened_at IS NULL AND valid_until > $2`,
      [deviceId, now],
    );
    return new Set(r.rows.map((x) => x.slot));
  }

  async usedWindowSlots(deviceId: string, validFrom: number, validUntil: number): Promise<Set<number>> {
    const r = await this.db.sql.query<{ slot: number }>(
      `SELECT slot FROM access_releases WHERE device_id = $1 AND mode = 'offline_window'
       AND valid_from = $2 AND valid_until = $3`,
      [deviceId, validFrom, validUntil],
    );
    return new Set(r.rows.map((x) => x.slot));
  }

  async delete(id: string): Promise<void> {
    await this.db.sql.query('DELETE FROM access_releases WHERE id = $1', [id]);
  }

  async purgeEndedBefore(cutoff: number): Promise<number> {
    const r = await this.db.sql.query(
      'DELETE FROM access_releases WHERE issued_at < $1 AND valid_until < $1',
      [cutoff],
    );
    return r.rowCount ?? 0;
  }

  async alarmResponseRows(since: number, until: number): Promise<AlarmReleaseRow[]> {
    const r = await this.db.sql.query<AlarmReleaseRow>(
      `SELECT alarm_id AS "alarmId", COALESCE(team_id, '') AS "teamId", MIN(alarm_raised_at) AS raised,
              MIN(issued_at) AS released, MIN(opened_at) AS opened
       FROM access_releases WHERE situation = 'alarm' AND alarm_id IS NOT NULL AND alarm_raised_at IS NOT NULL
         AND alarm_raised_at >= $1 AND alarm_raised_at < $2
       GROUP BY alarm_id, team_id ORDER BY alarm_id COLLATE "C", COALESCE(team_id, '') COLLATE "C"`,
      [since, until],
    );
    return r.rows;
  }
}
