import type { Db } from '../../store/database.js';
import type { ChainStep, Offer } from './chain.js';

export type RunState = 'asking' | 'accepted' | 'centre' | 'stopped';

/** One alarm's way through its home's chain; persisted, so a restarted server carries on. */
export interface Run {
  alarmId: string;
  homeId: string;
  plan: Offer[];
  /** Index of the offer now open (or the last one, once the run ended). */
  position: number;
  state: RunState;
  /** When the open offer runs out (ms); null once the run ended or at the alarm centre. */
  deadlineAt: number | null;
  acceptedBy: string | null;
  acceptedAt: number | null;
  startedAt: number;
}

export const STEP_KINDS = [
  'asked',
  'no_answer',
  'declined',
  'accepted',
  'handed_to_centre',
  'notified',
  'not_notified',
  'on_site',
  'ended',
  // the alarm-centre step over DC-09 (centre-steps.ts)
  'centre_sent',
  'centre_acked',
  'centre_no_link',
  'centre_refused',
  'centre_failed',
  'centre_failover',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One entry of an alarm's follow-up timeline. */
export interface Step {
  alarmId: string;
  at: number;
  kind: StepKind;
  /** Index of the offer in the run's plan. */
  offer: number | null;
  targetKind: 'carer' | 'team' | 'centre' | null;
  targetId: string | null;
  targetName: string | null;
  userId: string | null;
  detail: string | null;
}

const RUN = `SELECT alarm_id AS alarmId, home_id AS homeId, plan, position, state, deadline_at AS deadlineAt,
  accepted_by AS acceptedBy, accepted_at AS acceptedAt, started_at AS startedAt FROM followup_runs`;
const runRow = (r: unknown): Run | undefined =>
  r === undefined ? undefined : { ...(r as Run), plan: JSON.parse((r as { plan: string }).plan) as Offer[] };

/** Chains, runs and steps of the follow-up module (SQLite, synchronous). */
export class SqliteFollowupStore {
  constructor(private readonly db: Db) {}

  chain(homeId: string): { steps: ChainStep[]; updatedAt: number; updatedBy: string | null } | undefined {
    const r = this.db
      .prepare(
        'SELECT steps, updated_at AS updatedAt, updated_by AS updatedBy FROM followup_chains WHERE home_id = ?',
      )
      .get(homeId) as { steps: string; updatedAt: number; updatedBy: string | null } | undefined;
    return r && { ...r, steps: JSON.parse(r.steps) as ChainStep[] };
  }

  setChain(homeId: string, steps: readonly ChainStep[] | null, by: string, now: number): void {
    if (steps === null) {
      this.db.prepare('DELETE FROM followup_chains WHERE home_id = ?').run(homeId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO followup_chains (home_id, steps, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(home_id) DO UPDATE SET steps = excluded.steps, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      )
      .run(homeId, JSON.stringify(steps), now, by);
  }

  insertRun(r: Run): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO followup_runs (alarm_id, home_id, plan, position, state, deadline_at, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.alarmId, r.homeId, JSON.stringify(r.plan), r.position, r.state, r.deadlineAt, r.startedAt)
        .changes === 1
    );
  }

  run(alarmId: string): Run | undefined {
    return runRow(this.db.prepare(`${RUN} WHERE alarm_id = ?`).get(alarmId));
  }

  updateRun(
    alarmId: string,
    p: Pick<Run, 'position' | 'state' | 'deadlineAt'> & Partial<Pick<Run, 'acceptedBy' | 'acceptedAt'>>,
  ): void {
    this.db
      .prepare(
        `UPDATE followup_runs SET position = ?, state = ?, deadline_at = ?,
           accepted_by = COALESCE(?, accepted_by), accepted_at = COALESCE(?, accepted_at) WHERE alarm_id = ?`,
      )
      .run(p.position, p.state, p.deadlineAt, p.acceptedBy ?? null, p.acceptedAt ?? null, alarmId);
  }

  /** Runs still looking for someone, or at the alarm centre while the alarm is open (few at a time). */
  open(): Run[] {
    return this.db
      .prepare(`${RUN} WHERE state IN ('asking', 'centre') ORDER BY started_at`)
      .all()
      .map((r) => runRow(r)!);
  }

  /** Runs of a home, newest first. */
  runsOfHome(homeId: string, limit: number): Run[] {
    return this.db
      .prepare(`${RUN} WHERE home_id = ? ORDER BY started_at DESC LIMIT ?`)
      .all(homeId, limit)
      .map((r) => runRow(r)!);
  }

  /** Runs started in [from, to), for the report. */
  runsBetween(from: number, to: number): Run[] {
    return this.db
      .prepare(`${RUN} WHERE started_at >= ? AND started_at < ? ORDER BY started_at`)
      .all(from, to)
      .map((r) => runRow(r)!);
  }

  /** Runs a person accepted that are not stopped (for their phone page). */
  acceptedBy(userId: string): Run[] {
    return this.db
      .prepare(`${RUN} WHERE accepted_by = ? AND state = 'accepted' ORDER BY started_at DESC`)
      .all(userId)
      .map((r) => runRow(r)!);
  }

  addStep(s: Step): void {
    this.db
      .prepare(
        `INSERT INTO followup_steps (alarm_id, at, kind, offer, target_kind, target_id, target_name, user_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.alarmId, s.at, s.kind, s.offer, s.targetKind, s.targetId, s.targetName, s.userId, s.detail);
  }

  steps(alarmId: string): Step[] {
    return this.db
      .prepare(
        `SELECT alarm_id AS alarmId, at, kind, offer, target_kind AS targetKind, target_id AS targetId,
           target_name AS targetName, user_id AS userId, detail FROM followup_steps WHERE alarm_id = ? ORDER BY id`,
      )
      .all(alarmId) as Step[];
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
