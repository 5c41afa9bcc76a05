export const ALARM_STATES = ['new', 'acknowledged', 'assigned', 'on_site', 'closed'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
export type TransitionSource = 'user' | 'pendant' | 'keysafe' | 'system';

export interface AlarmRow {
  id: string;
  eventId: string;
  gatewayId: string;
  homeId: string | null;
  deviceId: string;
  kind: 'alarm' | 'fall';
  state: AlarmState;
  raisedAt: number;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assignedAt: number | null;
  assignedTeamId: string | null;
  assignedUserId: string | null;
  onSiteAt: number | null;
  onSiteSource: string | null;
  closedAt: number | null;
  closedBy: string | null;
  closeNote: string | null;
  /**
   * Whether the pendant event that raised it was proved by the pendant's key [PENDANT SPEC §5.1];
   * false for plaintext BTHome (could be forged), null for alarms stored before this was recorded.
   */
  authenticated: boolean | null;
  /** When a cancel took effect: an authenticated pendant's, or an unverified one staff confirmed. */
  cancelledAt: number | null;
  cancelEventId: string | null;
  /** When a cancel from an unauthenticated pendant arrived and waits for staff to confirm it. */
  unverifiedCancelAt: number | null;
  /** The staff member who confirmed an unverified cancel. */
  cancelConfirmedBy: string | null;
}

export interface Transition {
  fromState: AlarmState | null;
  toState: AlarmState;
  action: string;
  at: number;
  byUserId: string | null;
  source: TransitionSource;
  note: string | null;
}

/** The fields an update may set. */
export type AlarmPatch = Partial<
  Pick<
    AlarmRow,
    | 'state'
    | 'acknowledgedAt'
    | 'acknowledgedBy'
    | 'assignedAt'
    | 'assignedTeamId'
    | 'assignedUserId'
    | 'onSiteAt'
    | 'onSiteSource'
    | 'closedAt'
    | 'closedBy'
    | 'closeNote'
    | 'cancelledAt'
    | 'cancelEventId'
    | 'unverifiedCancelAt'
    | 'cancelConfirmedBy'
  >
>;

export interface AlarmFilter {
  state?: AlarmState;
  open?: boolean;
  homeId?: string;
  assignedUserId?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/** One alarm's timing for the response report (REQUIREMENTS §9.4). */
export interface AlarmResponseRow {
  homeId: string;
  region: string;
  raisedAt: number;
  ackAt: number | null;
  onSiteAt: number | null;
}

export type NewAlarm = Pick<
  AlarmRow,
  'eventId' | 'gatewayId' | 'homeId' | 'deviceId' | 'kind' | 'raisedAt' | 'createdAt'
> & { authenticated: boolean };

/**
 * The alarm inbox and its transitions table (store README, "Module stores on PostgreSQL"). Bindings:
 * `sqlite-alarm-store.ts`, `pg-alarm-store.ts`; `alarmStoreOn(handle)` picks one. The ingest
 * processor builds it on the turn's transaction; staff actions and the follow-up chain run theirs
 * in {@link AlarmStore.transaction}.
 */
export interface AlarmStore {
  /**
   * Creates the alarm of a pendant event (with its `raise` transition) unless one exists for that
   * event id: an event delivered twice, also to two callers at once, opens one alarm (the second
   * gets undefined).
   */
  create(a: NewAlarm): Promise<AlarmRow | undefined>;
  /**
   * {@link create} for each of `list` in one statement (an ingest turn's alarms): returns the alarms
   * opened, in the order of `list`; an event id that already has an alarm, or comes twice, opens one.
   */
  createMany(list: readonly NewAlarm[]): Promise<AlarmRow[]>;
  get(id: string): Promise<AlarmRow | undefined>;
  /**
   * The alarm, its row locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite runs one
   * transaction at a time): read it here before deciding a transition, so two people acting on
   * one alarm at once act one after the other and the second sees the first's change.
   */
  lock(id: string): Promise<AlarmRow | undefined>;
  /** The alarm an event raised, if it raised one. */
  idOfEvent(eventId: string): Promise<string | undefined>;
  /** Applies `patch` and records the transition `t`; `BAKEN_ERR_NOT_FOUND` for an unknown alarm. */
  update(id: string, patch: AlarmPatch, t: Transition): Promise<AlarmRow>;
  /** In the order they happened (by time, then as written). */
  transitions(id: string): Promise<Transition[]>;
  /** The latest open alarm of a pendant (for its `cancel`), locked as by {@link lock}. */
  latestOpenOfDevice(gatewayId: string, deviceId: string): Promise<AlarmRow | undefined>;
  /**
   * Alarms of a home in state `assigned` (a key-safe opening there means someone is on site),
   * locked as by {@link lock}: one closed meanwhile is not among them.
   */
  assignedOfHome(homeId: string): Promise<AlarmRow[]>;
  /** Newest first by raise time (then by id). */
  list(f: AlarmFilter): Promise<AlarmRow[]>;
  countOpen(): Promise<number>;
  /** Whether a user with this id exists (an assignee must). */
  userExists(id: string): Promise<boolean>;
  /** Alarms raised in `[from, to)` with their home's region, for the response report. */
  responseRows(from: number, to: number): Promise<AlarmResponseRow[]>;
  /**
   * Runs `fn` in one transaction with the store bound to it (`tx`): committed when it resolves,
   * rolled back — nothing left behind — when it rejects. Use only `tx` inside.
   */
  transaction<T>(fn: (tx: AlarmStore) => Promise<T>): Promise<T>;
}
