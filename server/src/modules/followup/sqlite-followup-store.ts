import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import type { ChainStep, Offer } from './chain.js';
import type { FollowupStore, Run, RunPatch, Step, StoredChain } from './followup-store.js';

export type { Run, RunState, Step, StepKind } from './followup-store.js';
export { STEP_KINDS } from './followup-store.js';

const RUN = `SELECT alarm_id AS alarmId, home_id AS homeId, plan, position, state, deadline_at AS deadlineAt,
  accepted_by AS acceptedBy, accepted_at AS acceptedAt, started_at AS startedAt FROM followup_runs`;
const runRow = (r: unknown): Run | undefined =>
  r === undefined ? undefined : { ...(r as Run), plan: JSON.parse((r as { plan: string }).plan) as Offer[] };
const CHAIN =
  'SELECT steps, updated_at AS updatedAt, updated_by AS updatedBy FROM followup_chains WHERE home_id = ?';
const chainRow = (r: { steps: string; updatedAt: number; updatedBy: string | null } | undefined) =>
  r && { ...r, steps: JSON.parse(r.steps) as ChainStep[] };

/**
 * The SQLite binding of {@link FollowupStore} (migration 171). Transactions of one connection run
 * one at a time, so {@link lockRun} is a read.
 */
export class SqliteFollowupStore implements FollowupStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  chain(homeId: string): Promise<StoredChain | undefined> {
    return this.h.run((db) => chainRow(db.prepare(CHAIN).get(homeId) as Parameters<typeof chainRow>[0]));
  }

  setChain(homeId: string, steps: readonly ChainStep[] | null, by: string, now: number): Promise<void> {
    return this.h.run((db) => {
      if (steps === null) {
        db.prepare('DELETE FROM followup_chains WHERE home_id = ?').run(homeId);
        return;
      }
      db.prepare(
        `INSERT INTO followup_chains (home_id, steps, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(home_id) DO UPDATE SET steps = excluded.steps, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      ).run(homeId, JSON.stringify(steps), now, by);
    });
  }

  insertRun(r: Run): Promise<boolean> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `INSERT OR IGNORE INTO followup_runs (alarm_id, home_id, plan, position, state, deadline_at, started_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(r.alarmId, r.homeId, JSON.stringify(r.plan), r.position, r.state, r.deadlineAt, r.startedAt)
          .changes === 1,
    );
  }

  run(alarmId: string): Promise<Run | undefined> {
    return this.h.run((db) => runRow(db.prepare(`${RUN} WHERE alarm_id = ?`).get(alarmId)));
  }

  lockRun(alarmId: string): Promise<Run | undefined> {
    return this.run(alarmId);
  }

  updateRun(alarmId: string, p: RunPatch): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `UPDATE followup_runs SET position = ?, state = ?, deadline_at = ?,
           accepted_by = COALESCE(?, accepted_by), accepted_at = COALESCE(?, accepted_at) WHERE alarm_id = ?`,
      ).run(p.position, p.state, p.deadlineAt, p.acceptedBy ?? null, p.acceptedAt ?? null, alarmId);
    });
  }

  open(): Promise<Run[]> {
    return this.runs(`${RUN} WHERE state IN ('asking', 'centre') ORDER BY started_at, alarm_id`);
  }

  runsOfHome(homeId: string, limit: number): Promise<Run[]> {
    return this.runs(`${RUN} WHERE home_id = ? ORDER BY started_at DESC, alarm_id LIMIT ?`, homeId, limit);
  }

  runsBetween(from: number, to: number): Promise<Run[]> {
    return this.runs(
      `${RUN} WHERE started_at >= ? AND started_at < ? ORDER BY started_at, alarm_id`,
      from,
      to,
    );
  }

  acceptedBy(userId: string): Promise<Run[]> {
    return this.runs(
      `${RUN} WHERE accepted_by = ? AND state = 'accepted' ORDER BY started_at DESC, alarm_id`,
      userId,
    );
  }

  private runs(sql: string, ...args: unknown[]): Promise<Run[]> {
    return this.h.run((db) =>
      db
        .prepare(sql)
        .all(...args)
        .map((r) => runRow(r)!),
    );
  }

  addStep(s: Step): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `INSERT INTO followup_steps (alarm_id, at, kind, offer, target_kind, target_id, target_name, user_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(s.alarmId, s.at, s.kind, s.offer, s.targetKind, s.targetId, s.targetName, s.userId, s.detail);
    });
  }

  steps(alarmId: string): Promise<Step[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT alarm_id AS alarmId, at, kind, offer, target_kind AS targetKind, target_id AS targetId,
               target_name AS targetName, user_id AS userId, detail FROM followup_steps WHERE alarm_id = ? ORDER BY id`,
          )
          .all(alarmId) as Step[],
    );
  }

  transaction<T>(fn: (tx: FollowupStore) => Promise<T>): Promise<T> {
    return this.h.transaction((tx) => fn(new SqliteFollowupStore(tx)));
  }
}
