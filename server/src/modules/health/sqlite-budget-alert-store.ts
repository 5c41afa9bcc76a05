import type { SqliteHandle } from '../../store/sqlite-async.js';
import type { BudgetAlert, BudgetAlertKind, BudgetAlertStore } from './budget-alert-store.js';
import { ALERT_COLUMNS, type AlertRecord, BURNING_KINDS, toAlert } from './health-rows.js';

/** The SQLite binding of {@link BudgetAlertStore}. */
export class SqliteBudgetAlertStore implements BudgetAlertStore {
  constructor(private readonly h: SqliteHandle) {}

  raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<BudgetAlert | undefined> {
    return this.h.run((db) => {
      const r = db
        .prepare(
          `INSERT INTO budget_alerts (scope, kind, incident_id, opened_at, detail) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING ${ALERT_COLUMNS}`,
        )
        .get(scope, kind, incidentId, at, JSON.stringify(detail)) as AlertRecord | undefined;
      return r && toAlert(r);
    });
  }

  clear(scope: string, kind: BudgetAlertKind, incidentId: number | null, at: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `UPDATE budget_alerts SET closed_at = ? WHERE scope = ? AND kind = ? AND IFNULL(incident_id, 0) = ?
         AND closed_at IS NULL`,
      ).run(at, scope, kind, incidentId ?? 0);
    });
  }

  clearIncident(incidentId: number, at: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE budget_alerts SET closed_at = ? WHERE incident_id = ? AND closed_at IS NULL').run(
        at,
        incidentId,
      );
    });
  }

  list(f: { open?: boolean; scope?: string; limit: number }): Promise<BudgetAlert[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.open === false) where.push('closed_at IS NOT NULL');
    if (f.scope !== undefined) {
      where.push('scope = ?');
      args.push(f.scope);
    }
    const sql = `SELECT ${ALERT_COLUMNS} FROM budget_alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return this.h.run((db) => (db.prepare(sql).all(...args, f.limit) as AlertRecord[]).map(toAlert));
  }

  burningScopes(): Promise<string[]> {
    return this.h.run((db) =>
      (
        db
          .prepare(
            `SELECT DISTINCT scope FROM budget_alerts WHERE closed_at IS NULL AND kind IN ${BURNING_KINDS}
             ORDER BY scope`,
          )
          .all() as Array<{ scope: string }>
      ).map((r) => r.scope),
    );
  }
}
