import type { Db } from '../../../store/database.js';
import type { BudgetAlert, BudgetAlertKind, BudgetAlertStore } from './budget-alert-store.js';

const SELECT = `SELECT id, scope, kind, incident_id AS incidentId, opened_at AS openedAt, closed_at AS closedAt,
  detail FROM budget_alerts`;
type Raw = Omit<BudgetAlert, 'detail'> & { detail: string };
const parse = (r: Raw): BudgetAlert => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> });

/** The SQLite binding of {@link BudgetAlertStore}. */
export class SqliteBudgetAlertStore implements BudgetAlertStore {
  constructor(private readonly db: Db) {}

  /** Opens the alert unless already open; returns it only when newly opened. */
  raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    at: number,
    detail: Record<string, unknown>,
  ): BudgetAlert | undefined {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO budget_alerts (scope, kind, incident_id, opened_at, detail) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(scope, kind, incidentId, at, JSON.stringify(detail));
    if (r.changes === 0) return undefined;
    return parse(this.db.prepare(`${SELECT} WHERE id = ?`).get(Number(r.lastInsertRowid)) as Raw);
  }

  clear(scope: string, kind: BudgetAlertKind, incidentId: number | null, at: number): void {
    this.db
      .prepare(
        `UPDATE budget_alerts SET closed_at = ? WHERE scope = ? AND kind = ? AND IFNULL(incident_id, 0) = ?
         AND closed_at IS NULL`,
      )
      .run(at, scope, kind, incidentId ?? 0);
  }

  /** Closes the open incident alerts of an incident that ended (the record stays). */
  clearIncident(incidentId: number, at: number): void {
    this.db
      .prepare('UPDATE budget_alerts SET closed_at = ? WHERE incident_id = ? AND closed_at IS NULL')
      .run(at, incidentId);
  }

  list(f: { open?: boolean; scope?: string; limit: number }): BudgetAlert[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.scope !== undefined) {
      where.push('scope = ?');
      args.push(f.scope);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as Raw[]).map(parse);
  }

  /** Scopes with an open burn or exhaustion alert ("budgets burning"). */
  burningScopes(): string[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT scope FROM budget_alerts WHERE closed_at IS NULL
           AND kind IN ('burn_fast','burn_slow','yearly_exhausted')`,
        )
        .all() as Array<{ scope: string }>
    ).map((r) => r.scope);
  }
}
