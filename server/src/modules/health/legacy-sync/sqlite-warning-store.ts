import type { Db } from '../../../store/database.js';
import type { Warning, WarningKind, WarningStore } from './warning-store.js';

const SELECT = `SELECT id, gateway_id AS gatewayId, device_id AS deviceId, kind, first_seen_at AS firstSeenAt,
  last_seen_at AS lastSeenAt, closed_at AS closedAt, detail FROM device_warnings`;

const parse = (r: Omit<Warning, 'detail'> & { detail: string }): Warning => ({
  ...r,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** The SQLite binding of {@link WarningStore}. */
export class SqliteWarningStore implements WarningStore {
  constructor(private readonly db: Db) {}

  /** Opens the warning or refreshes the open one; `opened` tells whether it is new. */
  raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): { warning: Warning; opened: boolean } {
    const existing = this.openOne(gatewayId, deviceId, kind);
    if (existing) {
      this.db
        .prepare('UPDATE device_warnings SET last_seen_at = MAX(last_seen_at, ?), detail = ? WHERE id = ?')
        .run(at, JSON.stringify(detail), existing.id);
      return { warning: this.get(existing.id)!, opened: false };
    }
    const r = this.db
      .prepare(
        `INSERT INTO device_warnings (device_id, gateway_id, kind, first_seen_at, last_seen_at, detail)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(deviceId, gatewayId, kind, at, at, JSON.stringify(detail));
    return { warning: this.get(Number(r.lastInsertRowid))!, opened: true };
  }

  /** Closes the open warning, if any; returns it. */
  clear(gatewayId: string, deviceId: string, kind: WarningKind, at: number): Warning | undefined {
    const w = this.openOne(gatewayId, deviceId, kind);
    if (!w) return undefined;
    this.db.prepare('UPDATE device_warnings SET closed_at = ? WHERE id = ?').run(at, w.id);
    return this.get(w.id);
  }

  openOne(gatewayId: string, deviceId: string, kind: WarningKind): Warning | undefined {
    const r = this.db
      .prepare(`${SELECT} WHERE gateway_id = ? AND device_id = ? AND kind = ? AND closed_at IS NULL`)
      .get(gatewayId, deviceId, kind) as (Omit<Warning, 'detail'> & { detail: string }) | undefined;
    return r && parse(r);
  }

  get(id: number): Warning | undefined {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as
      | (Omit<Warning, 'detail'> & { detail: string })
      | undefined;
    return r && parse(r);
  }

  list(f: { open?: boolean; gatewayId?: string; limit: number }): Warning[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.open === false) where.push('closed_at IS NOT NULL');
    if (f.gatewayId !== undefined) {
      where.push('gateway_id = ?');
      args.push(f.gatewayId);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY last_seen_at DESC LIMIT ?`;
    return (
      this.db.prepare(sql).all(...args, f.limit) as Array<Omit<Warning, 'detail'> & { detail: string }>
    ).map(parse);
  }

  /** Open warnings of `kind` last seen before `before` (for quiet closing). */
  quiet(kind: WarningKind, before: number): Warning[] {
    return (
      this.db
        .prepare(`${SELECT} WHERE kind = ? AND closed_at IS NULL AND last_seen_at < ?`)
        .all(kind, before) as Array<Omit<Warning, 'detail'> & { detail: string }>
    ).map(parse);
  }
}
