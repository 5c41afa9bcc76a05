import type { Db } from '../../store/database.js';
import type { AccessAlertStore } from './alert-store.js';
import type { AccessAlert, AlertKind } from './alerts.js';

interface Row {
  id: string;
  at: number;
  kind: AlertKind;
  subject: string;
  message: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

/** The SQLite binding of {@link AccessAlertStore} (`access_alerts`). */
export class SqliteAccessAlertStore implements AccessAlertStore {
  constructor(private readonly db: Db) {}

  async insert(a: Pick<AccessAlert, 'id' | 'at' | 'kind' | 'subject' | 'message'>): Promise<boolean> {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO access_alerts (id, at, kind, subject, message) VALUES (?,?,?,?,?)')
        .run(a.id, a.at, a.kind, a.subject, a.message).changes > 0
    );
  }

  async list(opts: { open?: boolean; limit: number }): Promise<AccessAlert[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM access_alerts ${opts.open ? 'WHERE acknowledged_at IS NULL' : ''} ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(opts.limit) as Row[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      subject: r.subject,
      message: r.message,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_by,
    }));
  }

  async acknowledge(id: string, by: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          'UPDATE access_alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
        )
        .run(at, by, id).changes > 0
    );
  }

  async kindOf(id: string): Promise<AlertKind | undefined> {
    const row = this.db.prepare('SELECT kind FROM access_alerts WHERE id = ?').get(id) as
      | { kind: AlertKind }
      | undefined;
    return row?.kind;
  }

  async purgeAcknowledgedBefore(cutoff: number): Promise<number> {
    return this.db
      .prepare('DELETE FROM access_alerts WHERE at < ? AND acknowledged_at IS NOT NULL')
      .run(cutoff).changes;
  }

  async openingsWithoutReleaseAtHome(homeId: string): Promise<Array<{ at: number; message: string }>> {
    return this.db
      .prepare(
        `SELECT at, message FROM access_alerts WHERE kind = 'opening_without_release' AND subject IN
         (SELECT 'keysafe:' || id FROM devices WHERE home_id = ?) ORDER BY at DESC, id DESC LIMIT 100`,
      )
      .all(homeId) as Array<{ at: number; message: string }>;
  }
}
