import type { Db } from '../../store/database.js';
import {
  DEFAULT_UNVERIFIED_CANCEL_POLICY,
  type HomeAlarmPolicy,
  type UnverifiedCancelPolicy,
} from './cancel-policy.js';

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
