import type { Db } from '../../store/database.js';
import type { SqliteHandle } from '../../store/sqlite-async.js';
import { toWarning, WARNING_COLUMNS, type WarningRecord } from './health-rows.js';
import type { Warning, WarningKind, WarningStore } from './warning-store.js';

const SELECT = `SELECT ${WARNING_COLUMNS} FROM device_warnings`;

/** The SQLite binding of {@link WarningStore}: each call one `run`, so a read and its write are atomic. */
export class SqliteWarningStore implements WarningStore {
  constructor(private readonly h: SqliteHandle) {}

  raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<{ warning: Warning; opened: boolean }> {
    return this.h.run((db) => {
      const existing = openOf(db, gatewayId, deviceId, kind);
      if (existing) {
        db.prepare(
          'UPDATE device_warnings SET last_seen_at = MAX(last_seen_at, ?), detail = ? WHERE id = ?',
        ).run(at, JSON.stringify(detail), existing.id);
        return { warning: getOf(db, existing.id)!, opened: false };
      }
      const r = db
        .prepare(
          `INSERT INTO device_warnings (device_id, gateway_id, kind, first_seen_at, last_seen_at, detail)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(deviceId, gatewayId, kind, at, at, JSON.stringify(detail));
      return { warning: getOf(db, Number(r.lastInsertRowid))!, opened: true };
    });
  }

  clear(gatewayId: string, deviceId: string, kind: WarningKind, at: number): Promise<Warning | undefined> {
    return this.h.run((db) => {
      const r = db
        .prepare(
          `UPDATE device_warnings SET closed_at = ?
           WHERE gateway_id = ? AND device_id = ? AND kind = ? AND closed_at IS NULL RETURNING ${WARNING_COLUMNS}`,
        )
        .get(at, gatewayId, deviceId, kind) as WarningRecord | undefined;
      return r && toWarning(r);
    });
  }

  openOne(gatewayId: string, deviceId: string, kind: WarningKind): Promise<Warning | undefined> {
    return this.h.run((db) => openOf(db, gatewayId, deviceId, kind));
  }

  openOfDevices(devices: readonly { gatewayId: string; deviceId: string }[]): Promise<Warning[]> {
    return this.h.run((db) => {
      const q = db.prepare(`${SELECT} WHERE gateway_id = ? AND device_id = ? AND closed_at IS NULL`);
      return devices.flatMap((d) => (q.all(d.gatewayId, d.deviceId) as WarningRecord[]).map(toWarning));
    });
  }

  get(id: number): Promise<Warning | undefined> {
    return this.h.run((db) => getOf(db, id));
  }

  list(f: { open?: boolean; gatewayId?: string; limit: number }): Promise<Warning[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.open === false) where.push('closed_at IS NOT NULL');
    if (f.gatewayId !== undefined) {
      where.push('gateway_id = ?');
      args.push(f.gatewayId);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC, id DESC LIMIT ?`;
    return this.h.run((db) => (db.prepare(sql).all(...args, f.limit) as WarningRecord[]).map(toWarning));
  }

  quiet(kind: WarningKind, before: number): Promise<Warning[]> {
    return this.h.run((db) =>
      (
        db
          .prepare(`${SELECT} WHERE kind = ? AND closed_at IS NULL AND last_seen_at < ? ORDER BY id`)
          .all(kind, before) as WarningRecord[]
      ).map(toWarning),
    );
  }
}

const getOf = (db: Db, id: number): Warning | undefined => {
  const r = db.prepare(`${SELECT} WHERE id = ?`).get(id) as WarningRecord | undefined;
  return r && toWarning(r);
};
const openOf = (db: Db, gatewayId: string, deviceId: string, kind: WarningKind): Warning | undefined => {
  const r = db
    .prepare(`${SELECT} WHERE gateway_id = ? AND device_id = ? AND kind = ? AND closed_at IS NULL`)
    .get(gatewayId, deviceId, kind) as WarningRecord | undefined;
  return r && toWarning(r);
};
