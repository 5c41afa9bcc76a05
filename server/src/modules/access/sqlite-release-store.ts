import type { Db } from '../../store/database.js';
import type { Situation } from './decide-access.js';
import type { AlarmReleaseRow, Release, ReleaseMode, ReleaseStore } from './releases.js';

type Row = Record<string, unknown>;
const toRelease = (r: Row): Release => ({
  id: r['id'] as string,
  homeId: r['home_id'] as string,
  deviceId: r['device_id'] as string,
  userId: r['user_id'] as string,
  teamId: (r['team_id'] as string | null) ?? null,
  functionId: (r['function_id'] as string | null) ?? null,
  situation: r['situation'] as Situation,
  alarmId: (r['alarm_id'] as string | null) ?? null,
  mode: r['mode'] as ReleaseMode,
  holderId: r['holder_id'] as number,
  slot: r['slot'] as number,
  validFrom: r['valid_from'] as number,
  validUntil: r['valid_until'] as number,
  issuedAt: r['issued_at'] as number,
  issuedBy: r['issued_by'] as string,
  alarmRaisedAt: (r['alarm_raised_at'] as number | null) ?? null,
  openedAt: (r['opened_at'] as number | null) ?? null,
  revokedAt: (r['revoked_at'] as number | null) ?? null,
});

/** The SQLite binding of {@link ReleaseStore}. */
export class SqliteReleaseStore implements ReleaseStore {
  constructor(private readonly db: Db) {}

  insert(r: Release): void {
    this.db
      .prepare(
        `INSERT INTO access_releases (id, home_id, device_id, user_id, team_id, function_id, situation, alarm_id, mode,
          holder_id, slot, valid_from, valid_until, issued_at, issued_by, alarm_raised_at, opened_at, revoked_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        r.id,
        r.homeId,
        r.deviceId,
        r.userId,
        r.teamId,
        r.functionId,
        r.situation,
        r.alarmId,
        r.mode,
        r.holderId,
        r.slot,
        r.validFrom,
        r.validUntil,
        r.issuedAt,
        r.issuedBy,
        r.alarmRaisedAt,
        r.openedAt,
        r.revokedAt,
      );
  }

  get(id: string): Release | null {
    const r = this.db.prepare('SELECT * FROM access_releases WHERE id = ?').get(id) as Row | undefined;
    return r ? toRelease(r) : null;
  }

  /** Releases still able to open: not revoked, not used (one-time), window not over. */
  outstanding(filter: { deviceId?: string; userId?: string; teamId?: string }, now: number): Release[] {
    const where = ['revoked_at IS NULL', 'opened_at IS NULL', 'valid_until > ?'];
    const args: unknown[] = [now];
    for (const [col, v] of [
      ['device_id', filter.deviceId],
      ['user_id', filter.userId],
      ['team_id', filter.teamId],
    ] as const) {
      if (v !== undefined) {
        where.push(`${col} = ?`);
        args.push(v);
      }
    }
    return (
      this.db
        .prepare(`SELECT * FROM access_releases WHERE ${where.join(' AND ')} ORDER BY issued_at`)
        .all(...args) as Row[]
    ).map(toRelease);
  }

  byWindow(deviceId: string, w: { validFrom: number; validUntil: number; slot: number }): Release | null {
    const r = this.db
      .prepare(
        `SELECT * FROM access_releases WHERE device_id = ? AND mode = 'offline_window'
         AND valid_from = ? AND valid_until = ? AND slot = ?`,
      )
      .get(deviceId, w.validFrom, w.validUntil, w.slot) as Row | undefined;
    return r ? toRelease(r) : null;
  }

  markOpened(id: string, at: number): void {
    this.db
      .prepare('UPDATE access_releases SET opened_at = ? WHERE id = ? AND opened_at IS NULL')
      .run(at, id);
  }

  markRevoked(ids: string[], at: number): void {
    const st = this.db.prepare(
      'UPDATE access_releases SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    for (const id of ids) st.run(at, id);
  }

  switchToOffline(id: string, slot: number, validFrom: number, validUntil: number): void {
    this.db
      .prepare(
        "UPDATE access_releases SET mode = 'offline_window', slot = ?, valid_from = ?, valid_until = ? WHERE id = ?",
      )
      .run(slot, validFrom, validUntil, id);
  }

  list(filter: {
    homeId?: string;
    userId?: string;
    since?: number;
    until?: number;
    limit: number;
  }): Release[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.homeId !== undefined) {
      where.push('home_id = ?');
      args.push(filter.homeId);
    }
    if (filter.userId !== undefined) {
      where.push('user_id = ?');
      args.push(filter.userId);
    }
    if (filter.since !== undefined) {
      where.push('issued_at >= ?');
      args.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push('issued_at < ?');
      args.push(filter.until);
    }
    const sql = `SELECT * FROM access_releases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toRelease);
  }

  /** PIN slots in use on a key safe (outstanding online releases). */
  usedPinSlots(deviceId: string, now: number): Set<number> {
    const rows = this.db
      .prepare(
        `SELECT slot FROM access_releases WHERE device_id = ? AND mode IN ('online_pin','phone_code')
         AND revoked_at IS NULL AND opened_at IS NULL AND valid_until > ?`,
      )
      .all(deviceId, now) as Array<{ slot: number }>;
    return new Set(rows.map((r) => r.slot));
  }

  /** Window-code slots taken for one window of a key safe. */
  usedWindowSlots(deviceId: string, validFrom: number, validUntil: number): Set<number> {
    const rows = this.db
      .prepare(
        `SELECT slot FROM access_releases WHERE device_id = ? AND mode = 'offline_window' AND valid_from = ? AND valid_until = ?`,
      )
      .all(deviceId, validFrom, validUntil) as Array<{ slot: number }>;
    return new Set(rows.map((r) => r.slot));
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM access_releases WHERE id = ?').run(id);
  }

  purgeEndedBefore(cutoff: number): number {
    return this.db
      .prepare('DELETE FROM access_releases WHERE issued_at < ? AND valid_until < ?')
      .run(cutoff, cutoff).changes;
  }

  alarmResponseRows(since: number, until: number): AlarmReleaseRow[] {
    return this.db
      .prepare(
        `SELECT alarm_id AS alarmId, COALESCE(team_id, '') AS teamId, MIN(alarm_raised_at) AS raised,
                MIN(issued_at) AS released, MIN(opened_at) AS opened
         FROM access_releases WHERE situation = 'alarm' AND alarm_id IS NOT NULL AND alarm_raised_at IS NOT NULL
           AND alarm_raised_at >= ? AND alarm_raised_at < ?
         GROUP BY alarm_id, team_id`,
      )
      .all(since, until) as AlarmReleaseRow[];
  }
}
