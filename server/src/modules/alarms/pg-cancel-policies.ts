import type { PgHandle } from '../../store/pg/pg-database.js';
import { type PolicyTableRow, toPolicy } from './alarm-rows.js';
import {
  type CancelPolicies,
  DEFAULT_UNVERIFIED_CANCEL_POLICY,
  type HomeAlarmPolicy,
  type UnverifiedCancelPolicy,
} from './cancel-policy.js';

/** The PostgreSQL binding of {@link CancelPolicies} (pg migration 045). */
export class PgCancelPolicies implements CancelPolicies {
  constructor(private readonly db: PgHandle) {}

  async get(homeId: string): Promise<HomeAlarmPolicy> {
    const r = await this.db.sql.query<PolicyTableRow>(
      'SELECT unverified_cancel, updated_at, updated_by FROM home_alarm_policies WHERE home_id = $1',
      [homeId],
    );
    return toPolicy(homeId, r.rows[0]);
  }

  async unverifiedCancel(homeId: string | null): Promise<UnverifiedCancelPolicy> {
    return homeId === null ? DEFAULT_UNVERIFIED_CANCEL_POLICY : (await this.get(homeId)).unverifiedCancel;
  }

  async set(
    homeId: string,
    unverifiedCancel: UnverifiedCancelPolicy,
    by: string,
    now: number,
  ): Promise<HomeAlarmPolicy> {
    await this.db.sql.query(
      `INSERT INTO home_alarm_policies (home_id, unverified_cancel, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (home_id) DO UPDATE SET unverified_cancel = excluded.unverified_cancel,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [homeId, unverifiedCancel, now, by],
    );
    return { homeId, unverifiedCancel, updatedAt: now, updatedBy: by };
  }
}
