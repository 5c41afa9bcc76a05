import type { Db } from '../../store/database.js';
import type { Situation } from './decide-access.js';
import type { AlarmReleaseRow, Release, ReleaseMode, ReleaseStore } from './releases.js';

type Row = Record<string, unknown>;
export const toRelease = (r: Row): Release => ({
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

/** The columns of `access_releases` in the order of {@link releaseValues}. */
export const RELEASE_COLUMNS = `id, home_id, device_id, user_id, team_id, function_id, situation, alarm_id, mode,
  holder_id, slot, valid_from, valid_until, issued_at, issued_by, alarm_raised_at, opened_at, revoked_at`;

export const releaseValues = (r: Release): unknown[] => [
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
];

const Q18 = Array.from({ length: 18 }, () => '?').join(',');

/** Outstanding online releases in a slot, and unanswered REVOKEs clearing a voided PIN from it. */
const PIN_SLOT_TAKEN = `EXISTS (SELECT 1 FROM access_releases WHERE device_id = ? AND slot = ?
    AND mode IN ('online_pin','phone_code') AND revoked_at IS NULL AND opened_at IS NULL AND valid_until > ?)
  OR EXISTS (SELECT 1 FROM keysafe_commands WHERE device_id = ? AND purpose = 'void_release'
    AND status IN ('pending','sent') AND json_extract(params, '$.slot') = ?)`;

/** The SQLite binding of {@link ReleaseStore}. */
export class SqliteReleaseStore implements ReleaseStore {
  constructor(private readonly db: Db) {}

  async insert(r: Release): Promise<void> {
    this.db
      .prepare(`INSERT INTO access_releases (${RELEASE_COLUMNS}) VALUES (${Q18})`)
      .run(...releaseValues(r));
  }

  // One statement: atomic on the one connection.
  async insertIfPinSlotFree(r: Release, now: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `INSERT INTO access_releases (${RELEASE_COLUMNS}) SELECT ${Q18} WHERE NOT (${PIN_SLOT_TAKEN})`,
        )
        .run(...releaseValues(r), r.deviceId, r.slot, now, r.deviceId, r.slot).changes > 0
    );
  }

  async insertIfWindowSlotFree(r: Release): Promise<boolean> {
    return (
      this.db
        .prepare(
          `INSERT INTO access_releases (${RELEASE_COLUMNS}) SELECT ${Q18}
           WHERE NOT EXISTS (SELECT 1 FROM access_releases WHERE device_id = ? AND mode = 'offline_window'
             AND valid_from = ? AND valid_until = ? AND slot = ?)`,
        )
        .run(...releaseValues(r), r.deviceId, r.validFrom, r.validUntil, r.slot).changes > 0
    );
  }

  async get(id: string): Promise<Release | null> {
    const r = this.db.prepare('SELECT * FROM access_releases WHERE id = ?').get(id) as Row | undefined;
    return r ? toRelease(r) : null;
  }

  async outstanding(
    filter: { deviceId?: string; userId?: string; teamId?: string },
    now: number,
  ): Promise<Release[]> {
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
        .prepare(`SELECT * FROM access_releases WHERE ${where.join(' AND ')} ORDER BY issued_at, id`)
        .all(...args) as Row[]
    ).map(toRelease);
  }

  async byWindow(
    deviceId: string,
    w: { validFrom: number; validUntil: number; slot: number },
  ): Promise<Release | null> {
    const r = this.db
      .prepare(
        `SELECT * FROM access_releases WHERE device_id = ? AND mode = 'offline_window'
         AND valid_from = ? AND valid_until = ? AND slot = ?`,
      )
      .get(deviceId, w.validFrom, w.validUntil, w.slot) as Row | undefined;
    return r ? toRelease(r) : null;
  }

  async markOpened(id: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE access_releases SET opened_at = ? WHERE id = ? AND opened_at IS NULL')
        .run(at, id).changes > 0
    );
  }

  async markRevoked(ids: string[], at: number): Promise<void> {
    const st = this.db.prepare(
      'UPDATE access_releases SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    this.db.transaction(() => {
      for (const id of ids) st.run(at, id);
    })();
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
      ['home_id = ?', filter.homeId],
      ['user_id = ?', filter.userId],
      ['issued_at >= ?', filter.since],
      ['issued_at < ?', filter.until],
    ] as const) {
      if (v !== undefined) {
        where.push(cond);
        args.push(v);
      }
    }
    const sql = `SELECT * FROM access_releases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toRelease);
  }

  async usedPinSlots(deviceId: string, now: number): Promise<Set<number>> {
    const rows = this.db
      .prepare(
        `SELECT slot FROM access_releases WHERE device_id = ? AND mode IN ('online_pin','phone_code')
         AND revoked_at IS NULL AND opened_at IS NULL AND valid_until > ?`,
      )
      .all(deviceId, now) as Array<{ slot: number }>;
    return new Set(rows.map((r) => r.slot));
  }

  async usedWindowSlots(deviceId: string, validFrom: number, validUntil: number): Promise<Set<number>> {
    const rows = this.db
      .prepare(
        `SELECT slot FROM access_releases WHERE device_id = ? AND mode = 'offline_window' AND valid_from = ? AND valid_until = ?`,
      )
      .all(deviceId, validFrom, validUntil) as Array<{ slot: number }>;
    return new Set(rows.map((r) => r.slot));
  }

  async delete(id: string): Promise<void> {
    this.db.prepare('DELETE FROM access_releases WHERE id = ?').run(id);
  }

  async purgeEndedBefore(cutoff: number): Promise<number> {
    return this.db
      .prepare('DELETE FROM access_releases WHERE issued_at < ? AND valid_until < ?')
      .run(cutoff, cutoff).changes;
  }

  async alarmResponseRows(since: number, until: number): Promise<AlarmReleaseRow[]> {
    return this.db
      .prepare(
        `SELECT alarm_id AS alarmId, COALESCE(team_id, '') AS teamId, MIN(alarm_raised_at) AS raised,
                MIN(issued_at) AS released, MIN(opened_at) AS opened
         FROM access_releases WHERE situation = 'alarm' AND alarm_id IS NOT NULL AND alarm_raised_at IS NOT NULL
           AND alarm_raised_at >= ? AND alarm_raised_at < ?
         GROUP BY alarm_id, team_id ORDER BY alarm_id, teamId`,
      )
      .all(since, until) as AlarmReleaseRow[];
  }
}
