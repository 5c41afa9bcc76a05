import type { PgHandle } from '../../store/pg/pg-database.js';
import type { ChainStep, Offer } from './chain.js';
import type { FollowupStore, Run, RunPatch, Step, StoredChain } from './followup-store.js';

const RUN = `SELECT alarm_id AS "alarmId", home_id AS "homeId", plan, position, state, deadline_at AS "deadlineAt",
  accepted_by AS "acceptedBy", accepted_at AS "acceptedAt", started_at AS "startedAt" FROM followup_runs`;
type RunRow = Omit<Run, 'plan'> & { plan: string };
const runRow = (r: RunRow): Run => ({ ...r, plan: JSON.parse(r.plan) as Offer[] });

/**
 * The PostgreSQL binding of {@link FollowupStore} (pg migration 012). {@link lockRun} is
 * `SELECT … FOR UPDATE` on the run's row; a run is inserted once per alarm (`ON CONFLICT DO NOTHING`).
 */
export class PgFollowupStore implements FollowupStore {
  constructor(private readonly db: PgHandle) {}

  async chain(homeId: string): Promise<StoredChain | undefined> {
    const r = await this.db.sql.query<{ steps: string; updatedAt: number; updatedBy: string | null }>(
      'SELECT steps, updated_at AS "updatedAt", updated_by AS "updatedBy" FROM followup_chains WHERE home_id = $1',
      [homeId],
    );
    const row = r.rows[0];
    return row && { ...row, steps: JSON.parse(row.steps) as ChainStep[] };
  }

  async setChain(homeId: string, steps: readonly ChainStep[] | null, by: string, now: number): Promise<void> {
    if (steps === null) {
      await this.db.sql.query('DELETE FROM followup_chains WHERE home_id = $1', [homeId]);
      return;
    }
    await this.db.sql.query(
      `INSERT INTO followup_chains (home_id, steps, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (home_id) DO UPDATE SET steps = excluded.steps, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
      [homeId, JSON.stringify(steps), now, by],
    );
  }

  async insertRun(r: Run): Promise<boolean> {
    const res = await this.db.sql.query(
      `INSERT INTO followup_runs (alarm_id, home_id, plan, position, state, deadline_at, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alarm_id) DO NOTHING`,
      [r.alarmId, r.homeId, JSON.stringify(r.plan), r.position, r.state, r.deadlineAt, r.startedAt],
    );
    return res.rowCount === 1;
  }

  async run(alarmId: string): Promise<Run | undefined> {
    const r = await this.db.sql.query<RunRow>(`${RUN} WHERE alarm_id = $1`, [alarmId]);
    return r.rows[0] && runRow(r.rows[0]);
  }

  async lockRun(alarmId: string): Promise<Run | undefined> {
    const r = await this.db.sql.query<RunRow>(`${RUN} WHERE alarm_id = $1 FOR UPDATE`, [alarmId]);
    return r.rows[0] && runRow(r.rows[0]);
  }

  async updateRun(alarmId: string, p: RunPatch): Promise<void> {
    await this.db.sql.query(
      `UPDATE followup_runs SET position = $1, state = $2, deadline_at = $3,
         accepted_by = COALESCE($4, accepted_by), accepted_at = COALESCE($5, accepted_at) WHERE alarm_id = $6`,
      [p.position, p.state, p.deadlineAt, p.acceptedBy ?? null, p.acceptedAt ?? null, alarmId],
    );
  }

  open(): Promise<Run[]> {
    return this.runs(`${RUN} WHERE state IN ('asking', 'centre') ORDER BY started_at, alarm_id COLLATE "C"`);
  }

  runsOfHome(homeId: string, limit: number): Promise<Run[]> {
    return this.runs(
      `${RUN} WHERE home_id = $1 ORDER BY started_at DESC, alarm_id COLLATE "C" LIMIT $2`,
      homeId,
      limit,
    );
  }

  runsBetween(from: number, to: number): Promise<Run[]> {
    return this.runs(
      `${RUN} WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at, alarm_id COLLATE "C"`,
      from,
      to,
    );
  }

  acceptedBy(userId: string): Promise<Run[]> {
    return this.runs(
      `${RUN} WHERE accepted_by = $1 AND state = 'accepted' ORDER BY started_at DESC, alarm_id COLLATE "C"`,
      userId,
    );
  }

  private async runs(sql: string, ...args: unknown[]): Promise<Run[]> {
    return (await this.db.sql.query<RunRow>(sql, args)).rows.map(runRow);
  }

  async addStep(s: Step): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO followup_steps (alarm_id, at, kind, offer, target_kind, target_id, target_name, user_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [s.alarmId, s.at, s.kind, s.offer, s.targetKind, s.targetId, s.targetName, s.userId, s.detail],
    );
  }

  async steps(alarmId: string): Promise<Step[]> {
    const r = await this.db.sql.query<Step>(
      `SELECT alarm_id AS "alarmId", at, kind, offer, target_kind AS "targetKind", target_id AS "targetId",
         target_name AS "targetName", user_id AS "userId", detail FROM followup_steps WHERE alarm_id = $1 ORDER BY id`,
      [alarmId],
    );
    return r.rows;
  }

  transaction<T>(fn: (tx: FollowupStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgFollowupStore(tx)));
  }
}
