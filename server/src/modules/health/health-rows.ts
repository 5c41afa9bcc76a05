import type { HeartbeatPayload } from '@baken/protocols';
import type { BudgetAlert } from './budget-alert-store.js';
import type { Incident } from './incident-store.js';
import type { DeviceRow, GatewayRow } from './state-store.js';
import type { Warning } from './warning-store.js';

/**
 * The health tables' rows and their mapping to the domain types, shared by the SQLite and the
 * PostgreSQL bindings (store README, "Rows"): only the SQL differs between them. Column aliases are
 * quoted so PostgreSQL keeps their case; JSON columns (`link_changes`, `detail`) are text in both.
 */

/** A gateway's enrolment row joined with its state and home (one row per enrolled gateway). */
export const GATEWAY_SELECT = `SELECT g.id AS "gatewayId", g.home_id AS "homeId", h.region AS region,
  s.last_seen_at AS "lastSeenAt", s.interval_s AS "intervalS", s.availability,
  s.availability_at AS "availabilityAt", s.software, s.uptime_s AS "uptimeS", s.mains,
  s.unit_battery AS "unitBattery", s.outbox_depth AS "outboxDepth", s.outbox_oldest_age_s AS "outboxOldestAgeS",
  s.clock_offset_ms AS "clockOffsetMs", s.storage_state AS "storageState", s.storage_since AS "storageSince",
  s.storage_memory_depth AS "storageMemoryDepth"
  FROM gateways g LEFT JOIN gateway_state s ON s.gateway_id = g.id LEFT JOIN homes h ON h.id = g.home_id
  WHERE g.revoked_at IS NULL`;

export type GatewayRecord = GatewayRow;

export const DEVICE_COLUMNS = `gateway_id AS "gatewayId", device_id AS "deviceId", kind, link,
  last_seen_at AS "lastSeenAt", rssi, battery, firmware, link_changes AS "linkChanges"`;

export type DeviceRecord = Omit<DeviceRow, 'linkChanges'> & { linkChanges: string };
export const toDevice = (r: DeviceRecord): DeviceRow => ({
  ...r,
  linkChanges: JSON.parse(r.linkChanges) as number[],
});

/**
 * A device's link changes within the flap window after a report at `at`: the earlier ones still in
 * the window, plus `at` when the link differs from the one before.
 */
export function linkChangesAfter(
  before: Pick<DeviceRow, 'link' | 'linkChanges'> | undefined,
  link: string,
  at: number,
  flapWindowMs: number,
): number[] {
  const changes = (before?.linkChanges ?? []).filter((t) => t > at - flapWindowMs);
  return before && before.link !== link ? [...changes, at] : changes;
}

export const INCIDENT_COLUMNS = `id AS "incidentId", subject_kind AS "subjectKind", subject_id AS "subjectId",
  gateway_id AS "gatewayId", home_id AS "homeId", cause, started_at AS "startedAt", ended_at AS "endedAt",
  downtime_ms AS "downtimeMs"`;
export type IncidentRecord = Incident;

export const WARNING_COLUMNS = `id, gateway_id AS "gatewayId", device_id AS "deviceId", kind,
  first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", closed_at AS "closedAt", detail`;
export type WarningRecord = Omit<Warning, 'detail'> & { detail: string };
export const toWarning = (r: WarningRecord): Warning => ({
  ...r,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

export const ALERT_COLUMNS = `id, scope, kind, incident_id AS "incidentId", opened_at AS "openedAt",
  closed_at AS "closedAt", detail`;
export type AlertRecord = Omit<BudgetAlert, 'detail'> & { detail: string };
export const toAlert = (r: AlertRecord): BudgetAlert => ({
  ...r,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** Scopes whose open alerts of these kinds mean "budget burning". */
export const BURNING_KINDS = `('burn_fast','burn_slow','yearly_exhausted')`;

/** A heartbeat's gateway-state columns in the order both bindings' UPDATE sets them. */
export function heartbeatColumns(hb: HeartbeatPayload): Array<string | number | boolean | null> {
  return [
    hb.intervalS,
    hb.software,
    hb.uptimeS,
    hb.mains ?? null,
    hb.unitBattery ?? null,
    hb.outbox.depth,
    hb.outbox.oldestAgeS === null ? null : Math.round(hb.outbox.oldestAgeS),
    hb.clockOffsetMs ?? null,
    hb.scan.running,
    hb.scan.restarts,
    hb.storage?.state ?? null,
    hb.storage?.since ?? null,
    hb.storage?.memoryDepth ?? null,
  ];
}

/** Downtime spans per scope from `(scope, start, end)` rows. */
export function spansOf(
  rows: ReadonlyArray<{ scope: string; start: number; end: number }>,
): Map<string, Array<{ start: number; end: number }>> {
  const out = new Map<string, Array<{ start: number; end: number }>>();
  for (const r of rows) {
    const list = out.get(r.scope);
    if (list) list.push({ start: r.start, end: r.end });
    else out.set(r.scope, [{ start: r.start, end: r.end }]);
  }
  return out;
}
