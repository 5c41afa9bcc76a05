// The alarms module's table rows and their mapping to the domain types, shared by the SQLite and
// PostgreSQL bindings (server/src/store/README.md, "Rows"); only the placeholders differ between
// the two bindings' SQL.
import type { AlarmPatch, AlarmRow, NewAlarm, Transition } from './alarm-store.js';
import {
  DEFAULT_UNVERIFIED_CANCEL_POLICY,
  type HomeAlarmPolicy,
  type UnverifiedCancelPolicy,
} from './cancel-policy.js';

/** A row of `alarms`: `authenticated` is `BOOLEAN` in PostgreSQL, 0/1 in SQLite, null for old alarms. */
export interface AlarmTableRow {
  id: string;
  event_id: string;
  gateway_id: string;
  home_id: string | null;
  device_id: string;
  kind: AlarmRow['kind'];
  state: AlarmRow['state'];
  raised_at: number;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  assigned_at: number | null;
  assigned_team_id: string | null;
  assigned_user_id: string | null;
  on_site_at: number | null;
  on_site_source: string | null;
  closed_at: number | null;
  closed_by: string | null;
  close_note: string | null;
  cancelled_at: number | null;
  cancel_event_id: string | null;
  unverified_cancel_at: number | null;
  cancel_confirmed_by: string | null;
  authenticated: boolean | 0 | 1 | null;
}

/** The columns every alarm read selects, in both bindings. */
export const ALARM_COLUMNS = `id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at,
  acknowledged_at, acknowledged_by, assigned_at, assigned_team_id, assigned_user_id, on_site_at, on_site_source,
  closed_at, closed_by, close_note, cancelled_at, cancel_event_id, unverified_cancel_at, cancel_confirmed_by,
  authenticated`;

export const toAlarm = (r: AlarmTableRow): AlarmRow => ({
  id: r.id,
  eventId: r.event_id,
  gatewayId: r.gateway_id,
  homeId: r.home_id,
  deviceId: r.device_id,
  kind: r.kind,
  state: r.state,
  raisedAt: r.raised_at,
  createdAt: r.created_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  assignedAt: r.assigned_at,
  assignedTeamId: r.assigned_team_id,
  assignedUserId: r.assigned_user_id,
  onSiteAt: r.on_site_at,
  onSiteSource: r.on_site_source,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  closeNote: r.close_note,
  authenticated: r.authenticated === null ? null : r.authenticated === true || r.authenticated === 1,
  cancelledAt: r.cancelled_at,
  cancelEventId: r.cancel_event_id,
  unverifiedCancelAt: r.unverified_cancel_at,
  cancelConfirmedBy: r.cancel_confirmed_by,
});

/**
 * The row `create` has just inserted, without reading it back: every column it does not set is
 * NULL and the state is `new` (migration 012 has no other defaults).
 */
export const createdAlarm = (id: string, a: NewAlarm): AlarmRow => ({
  id,
  eventId: a.eventId,
  gatewayId: a.gatewayId,
  homeId: a.homeId,
  deviceId: a.deviceId,
  kind: a.kind,
  state: 'new',
  raisedAt: a.raisedAt,
  createdAt: a.createdAt,
  acknowledgedAt: null,
  acknowledgedBy: null,
  assignedAt: null,
  assignedTeamId: null,
  assignedUserId: null,
  onSiteAt: null,
  onSiteSource: null,
  closedAt: null,
  closedBy: null,
  closeNote: null,
  authenticated: a.authenticated,
  cancelledAt: null,
  cancelEventId: null,
  unverifiedCancelAt: null,
  cancelConfirmedBy: null,
});

/** The `raise` transition `create` records with the alarm. */
export const raised = (a: NewAlarm): Transition => ({
  fromState: null,
  toState: 'new',
  action: 'raise',
  at: a.createdAt,
  byUserId: null,
  source: 'pendant',
  note: null,
});

/** Column names an update may set (a fixed list: never built from input). */
export const PATCH_COLUMN: Record<keyof AlarmPatch, string> = {
  state: 'state',
  acknowledgedAt: 'acknowledged_at',
  acknowledgedBy: 'acknowledged_by',
  assignedAt: 'assigned_at',
  assignedTeamId: 'assigned_team_id',
  assignedUserId: 'assigned_user_id',
  onSiteAt: 'on_site_at',
  onSiteSource: 'on_site_source',
  closedAt: 'closed_at',
  closedBy: 'closed_by',
  closeNote: 'close_note',
  cancelledAt: 'cancelled_at',
  cancelEventId: 'cancel_event_id',
  unverifiedCancelAt: 'unverified_cancel_at',
  cancelConfirmedBy: 'cancel_confirmed_by',
};

/** The patch's keys in a fixed order, so one set of keys is always one SQL text (one cached statement). */
export const patchKeys = (patch: AlarmPatch): Array<keyof AlarmPatch> =>
  (Object.keys(PATCH_COLUMN) as Array<keyof AlarmPatch>).filter((k) => patch[k] !== undefined);

/** A row of `alarm_transitions`, as both bindings select it. */
export interface TransitionTableRow {
  from_state: Transition['fromState'];
  to_state: Transition['toState'];
  action: string;
  at: number;
  by_user_id: string | null;
  source: Transition['source'];
  note: string | null;
}

export const TRANSITION_COLUMNS = 'from_state, to_state, action, at, by_user_id, source, note';

export const toTransition = (r: TransitionTableRow): Transition => ({
  fromState: r.from_state,
  toState: r.to_state,
  action: r.action,
  at: r.at,
  byUserId: r.by_user_id,
  source: r.source,
  note: r.note,
});

/** The transition's values in `alarm_transitions` column order after `alarm_id`. */
export const transitionValues = (t: Transition): unknown[] => [
  t.fromState,
  t.toState,
  t.action,
  t.at,
  t.byUserId,
  t.source,
  t.note,
];

/** A row of `home_alarm_policies`. */
export interface PolicyTableRow {
  unverified_cancel: UnverifiedCancelPolicy;
  updated_at: number;
  updated_by: string | null;
}

/** The home's policy; the default while it has no row. */
export const toPolicy = (homeId: string, r: PolicyTableRow | undefined): HomeAlarmPolicy =>
  r
    ? { homeId, unverifiedCancel: r.unverified_cancel, updatedAt: r.updated_at, updatedBy: r.updated_by }
    : { homeId, unverifiedCancel: DEFAULT_UNVERIFIED_CANCEL_POLICY, updatedAt: null, updatedBy: null };
