import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import type { AuditLog } from '../audit/audit-log.js';

export const ALERT_KINDS = [
  'repeated_refusals',
  'repeated_wrong_codes',
  'lockout',
  'opening_without_release',
  'device_audit_gap',
  'device_audit_bad_mac',
  'device_audit_reordered',
  'clock_drift',
  'door_forced',
  'tamper',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AccessAlert {
  id: string;
  at: number;
  kind: AlertKind;
  subject: string;
  message: string;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

/**
 * Alerts for monitoring staff (issue 7 §2, §4). `dedupeKey` makes an alert idempotent (the same
 * device record seen live and again in the audit read-back raises one alert). Every alert is audited.
 */
export class AccessAlerts {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    /** Told of every new or acknowledged alert (the module puts it on the domain bus). */
    private readonly onChange: (
      alert: Pick<AccessAlert, 'id' | 'kind'>,
      state: 'open' | 'acknowledged',
      at: number,
    ) => void = () => {},
  ) {}

  raise(
    kind: AlertKind,
    subject: string,
    message: string,
    at: number,
    dedupeKey?: string,
  ): AccessAlert | null {
    const id = dedupeKey ? `${kind}:${dedupeKey}` : randomUUID();
    const res = this.db
      .prepare('INSERT OR IGNORE INTO access_alerts (id, at, kind, subject, message) VALUES (?,?,?,?,?)')
      .run(id, at, kind, subject, message);
    if (res.changes === 0) return null;
    this.audit.append({
      at,
      actor: 'system',
      action: 'access.alert',
      subject,
      details: { alertId: id, kind, message },
    });
    this.onChange({ id, kind }, 'open', at);
    return { id, at, kind, subject, message, acknowledgedAt: null, acknowledgedBy: null };
  }

  list(opts: { open?: boolean; limit: number }): AccessAlert[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM access_alerts ${opts.open ? 'WHERE acknowledged_at IS NULL' : ''} ORDER BY at DESC LIMIT ?`,
      )
      .all(opts.limit) as Array<{
      id: string;
      at: number;
      kind: AlertKind;
      subject: string;
      message: string;
      acknowledged_at: number | null;
      acknowledged_by: string | null;
    }>;
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

  acknowledge(id: string, by: string, at: number): boolean {
    const r = this.db
      .prepare(
        'UPDATE access_alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
      )
      .run(at, by, id);
    if (r.changes === 0) return false;
    this.audit.append({
      at,
      actor: `user:${by}`,
      action: 'access.alert_acknowledged',
      subject: `alert:${id}`,
    });
    const row = this.db.prepare('SELECT kind FROM access_alerts WHERE id = ?').get(id) as
      | { kind: AlertKind }
      | undefined;
    if (row) this.onChange({ id, kind: row.kind }, 'acknowledged', at);
    return true;
  }
}
