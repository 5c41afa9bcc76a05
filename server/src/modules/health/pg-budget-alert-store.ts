import type { PgHandle } from '../../store/pg/pg-database.js';
import type { BudgetAlert, BudgetAlertKind, BudgetAlertStore } from './budget-alert-store.js';
import { ALERT_COLUMNS, type AlertRecord, BURNING_KINDS, toAlert } from './health-rows.js';

/**
 * The PostgreSQL binding of {@link BudgetAlertStore} (migration 050): an alert is opened by an
 * insert that yields to the open one (`budget_alerts_one_open`), so two sweeps raise it once.
 */
export class PgBudgetAlertStore implements BudgetAlertStore {
  constructor(private readonly db: PgHandle) {}

  async raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<BudgetAlert | undefined> {
    const r = await this.db.sql.query<AlertRecord>(
      `INSERT INTO budget_alerts (scope, kind, incident_id, opened_at, detail) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING ${ALERT_COLUMNS}`,
      [scope, kind, incidentId, at, JSON.stringify(detail)],
    );
    return r.rows[0] && toAlert(r.rows[0]);
  }

  async clear(scope: string, kind: BudgetAlertKind, incidentId: number | null, at: number): Promise<void> {
    await this.db.sql.query(
      `UPDATE budget_alerts SET closed_at = $1 WHERE scope = $2 AND kind = $3 AND COALESCE(incident_id, 0) = $4
       AND closed_at IS NULL`,
      [at, scope, kind, incidentId ?? 0],
    );
  }

  async clearIncident(incidentId: number, at: number): Promise<void> {
    await this.db.sql.query(
      'UPDATE budget_alerts SET closed_at = $1 WHERE incident_id = $2 AND closed_at IS NULL',
      [at, incidentId],
    );
  }

  async list(f: { open?: boolean; scope?: string; limit: number }): Promise<BudgetAlert[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.open === false) where.push('closed_at IS NOT NULL');
    if (f.scope !== undefined) where.push(`scope = $${args.push(f.scope)}`);
    const sql = `SELECT ${ALERT_COLUMNS} FROM budget_alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY opened_at DESC, id DESC LIMIT $${args.push(f.limit)}`;
    return (await this.db.sql.query<AlertRecord>(sql, args)).rows.map(toAlert);
  }

  async burningScopes(): Promise<string[]> {
    const r = await this.db.sql.query<{ scope: string }>(
      `SELECT DISTINCT scope COLLATE "C" AS scope FROM budget_alerts
       WHERE closed_at IS NULL AND kind IN ${BURNING_KINDS} ORDER BY 1`,
    );
    return r.rows.map((x) => x.scope);
  }
}
