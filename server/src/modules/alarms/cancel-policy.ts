import type { Db } from '../../store/database.js';

/**
 * What a cancel from an unauthenticated pendant (plaintext BTHome: anyone in radio range can forge
 * it) does to an open alarm, per home [PENDANT SPEC §5.1]:
 * - `refuse` (default): nothing; the refusal is recorded in the alarm's history only. The safe
 *   default: an unauthenticated source has no say in how an alarm is handled.
 * - `confirm`: it is shown on the alarm as an *unverified cancel*; staff confirm it (after calling
 *   the client) before it counts. The alarm stays open either way.
 * A cancel from an authenticated pendant (Baken, encrypted BTHome) is recorded as before.
 */
export type UnverifiedCancelPolicy = 'refuse' | 'confirm';
export const UNVERIFIED_CANCEL_POLICIES: readonly UnverifiedCancelPolicy[] = ['refuse', 'confirm'];
export const DEFAULT_UNVERIFIED_CANCEL_POLICY: UnverifiedCancelPolicy = 'refuse';

export interface HomeAlarmPolicy {
  homeId: string;
  unverifiedCancel: UnverifiedCancelPolicy;
  /** Null while the home uses the default. */
  updatedAt: number | null;
  updatedBy: string | null;
}

/** The per-home alarm policy (SQLite); synchronous so the ingest processor can read it in its transaction. */
export class SqliteCancelPolicies {
  constructor(private readonly db: Db) {}

  get(homeId: string): HomeAlarmPolicy {
    const r = this.db
      .prepare(
        `SELECT unverified_cancel AS unverifiedCancel, updated_at AS updatedAt, updated_by AS updatedBy
         FROM home_alarm_policies WHERE home_id = ?`,
      )
      .get(homeId) as Omit<HomeAlarmPolicy, 'homeId'> | undefined;
    return r
      ? { homeId, ...r }
      : { homeId, unverifiedCancel: DEFAULT_UNVERIFIED_CANCEL_POLICY, updatedAt: null, updatedBy: null };
  }

  /** The policy for a cancel at this home; an event without a home gets the default. */
  unverifiedCancel(homeId: string | null): UnverifiedCancelPolicy {
    return homeId === null ? DEFAULT_UNVERIFIED_CANCEL_POLICY : this.get(homeId).unverifiedCancel;
  }

  set(homeId: string, unverifiedCancel: UnverifiedCancelPolicy, by: string, now: number): HomeAlarmPolicy {
    this.db
      .prepare(
        `INSERT INTO home_alarm_policies (home_id, unverified_cancel, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(home_id) DO UPDATE SET unverified_cancel = excluded.unverified_cancel,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(homeId, unverifiedCancel, now, by);
    return this.get(homeId);
  }
}
