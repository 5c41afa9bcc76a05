import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import { type PolicyTableRow, toPolicy } from './alarm-rows.js';
import {
  type CancelPolicies,
  DEFAULT_UNVERIFIED_CANCEL_POLICY,
  type HomeAlarmPolicy,
  type UnverifiedCancelPolicy,
} from './cancel-policy.js';

const GET = 'SELECT unverified_cancel, updated_at, updated_by FROM home_alarm_policies WHERE home_id = ?';

/** The SQLite binding of {@link CancelPolicies} (migration 093), over a {@link SqliteHandle}. */
export class SqliteCancelPolicies implements CancelPolicies {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  get(homeId: string): Promise<HomeAlarmPolicy> {
    return this.h.run((db) => toPolicy(homeId, db.prepare(GET).get(homeId) as PolicyTableRow | undefined));
  }

  async unverifiedCancel(homeId: string | null): Promise<UnverifiedCancelPolicy> {
    return homeId === null ? DEFAULT_UNVERIFIED_CANCEL_POLICY : (await this.get(homeId)).unverifiedCancel;
  }

  set(
    homeId: string,
    unverifiedCancel: UnverifiedCancelPolicy,
    by: string,
    now: number,
  ): Promise<HomeAlarmPolicy> {
    return this.h.run((db) => {
      db.prepare(
        `INSERT INTO home_alarm_policies (home_id, unverified_cancel, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(home_id) DO UPDATE SET unverified_cancel = excluded.unverified_cancel,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ).run(homeId, unverifiedCancel, now, by);
      return { homeId, unverifiedCancel, updatedAt: now, updatedBy: by };
    });
  }
}
