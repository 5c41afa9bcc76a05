import type { PgHandle } from '../../store/pg/pg-database.js';
import { toWarning, WARNING_COLUMNS, type WarningRecord } from './health-rows.js';
import type { Warning, WarningKind, WarningStore } from './warning-store.js';

const SELECT = `SELECT ${WARNING_COLUMNS} FROM device_warnings`;

/**
 * The PostgreSQL binding of {@link WarningStore} (migration 050). Raising is one upsert on
 * `device_warnings_one_open`: of two instances raising one warning at once, one inserts it
 * (`xmax = 0`: a row this statement inserted) and the other refreshes it.
 */
export class PgWarningStore implements WarningStore {
  constructor(private readonly db: PgHandle) {}

  async raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<{ warning: Warning; opened: boolean }> {
    const r = await this.db.sql.query<WarningRecord & { opened: boolean }>(
      `INSERT INTO device_warnings (device_id, gateway_id, kind, first_seen_at, last_seen_at, detail)
       VALUES ($1, $2, $3, $4, $4, $5)
       ON CONFLICT (gateway_id, device_id, kind) WHERE closed_at IS NULL DO UPDATE SET
         last_seen_at = GREATEST(device_warnings.last_seen_at, EXCLUDED.last_seen_at), detail = EXCLUDED.detail
       RETURNING ${WARNING_COLUMNS}, (xmax = 0) AS opened`,
      [deviceId, gatewayId, kind, at, JSON.stringify(detail)],
    );
    const { opened, ...row } = r.rows[0]!;
    return { warning: toWarning(row), opened };
  }

  async clear(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
  ): Promise<Warning | undefined> {
    const r = await this.db.sql.query<WarningRecord>(
      `UPDATE device_warnings SET closed_at = $1
       WHERE gateway_id = $2 AND device_id = $3 AND kind = $4 AND closed_at IS NULL RETURNING ${WARNING_COLUMNS}`,
      [at, gatewayId, deviceId, kind],
    );
    return r.rows[0] && toWarning(r.rows[0]);
  }

  async openOne(gatewayId: string, deviceId: string, kind: WarningKind): Promise<Warning | undefined> {
    const r = await this.db.sql.query<WarningRecord>(
      `${SELECT} WHERE gateway_id = $1 AND device_id = $2 AND kind = $3 AND closed_at IS NULL`,
      [gatewayId, deviceId, kind],
    );
    return r.rows[0] && toWarning(r.rows[0]);
  }

  async openOfDevices(devices: readonly { gatewayId: string; deviceId: string }[]): Promise<Warning[]> {
    if (devices.length === 0) return [];
    const r = await this.db.sql.query<WarningRecord>(
      `${SELECT} WHERE closed_at IS NULL
         AND (gateway_id, device_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [devices.map((d) => d.gatewayId), devices.map((d) => d.deviceId)],
    );
    return r.rows.map(toWarning);
  }

  async get(id: number): Promise<Warning | undefined> {
    const r = await this.db.sql.query<WarningRecord>(`${SELECT} WHERE id = $1`, [id]);
    return r.rows[0] && toWarning(r.rows[0]);
  }

  async list(f: { open?: boolean; gatewayId?: string; limit: number }): Promise<Warning[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.open === true) where.push('closed_at IS NULL');
    if (f.open === false) where.push('closed_at IS NOT NULL');
    if (f.gatewayId !== undefined) where.push(`gateway_id = $${args.push(f.gatewayId)}`);
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY last_seen_at DESC, id DESC LIMIT $${args.push(f.limit)}`;
    return (await this.db.sql.query<WarningRecord>(sql, args)).rows.map(toWarning);
  }

  async quiet(kind: WarningKind, before: number): Promise<Warning[]> {
    const r = await this.db.sql.query<WarningRecord>(
      `${SELECT} WHERE kind = $1 AND closed_at IS NULL AND last_seen_at < $2 ORDER BY id`,
      [kind, before],
    );
    return r.rows.map(toWarning);
  }
}
