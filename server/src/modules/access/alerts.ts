import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { AccessAlertStore } from './alert-store.js';

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
 * Alerts for monitoring staff. `dedupeKey` makes an alert idempotent (the same
 * device record seen live and again in the audit read-back raises one alert). Every alert is audited.
 */
export class AccessAlerts {
  constructor(
    private readonly store: AccessAlertStore,
    private readonly audit: AuditLog,
    /** Told of every new or acknowledged alert (the module puts it on the domain bus). */
    private readonly onChange: (
      alert: Pick<AccessAlert, 'id' | 'kind'>,
      state: 'open' | 'acknowledged',
      at: number,
    ) => void = () => {},
  ) {}

  async raise(
    kind: AlertKind,
    subject: string,
    message: string,
    at: number,
    dedupeKey?: string,
  ): Promise<AccessAlert | null> {
    const id = dedupeKey ? `${kind}:${dedupeKey}` : randomUUID();
    if (!(await this.store.insert({ id, at, kind, subject, message }))) return null;
    await this.audit.append({
      at,
      actor: 'system',
      action: 'access.alert',
      subject,
      details: { alertId: id, kind, message },
    });
    this.onChange({ id, kind }, 'open', at);
    return { id, at, kind, subject, message, acknowledgedAt: null, acknowledgedBy: null };
  }

  list(opts: { open?: boolean; limit: number }): Promise<AccessAlert[]> {
    return this.store.list(opts);
  }

  async acknowledge(id: string, by: string, at: number): Promise<boolean> {
    if (!(await this.store.acknowledge(id, by, at))) return false;
    await this.audit.append({
      at,
      actor: `user:${by}`,
      action: 'access.alert_acknowledged',
      subject: `alert:${id}`,
    });
    const kind = await this.store.kindOf(id);
    if (kind) this.onChange({ id, kind }, 'acknowledged', at);
    return true;
  }
}
