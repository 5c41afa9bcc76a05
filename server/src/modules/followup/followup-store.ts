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

/** A home's chain as stored. */
export interface StoredChain {
  steps: ChainStep[];
  updatedAt: number;
  updatedBy: string | null;
}

export type RunPatch = Pick<Run, 'position' | 'state' | 'deadlineAt'> &
  Partial<Pick<Run, 'acceptedBy' | 'acceptedAt'>>;

/**
 * Chains, runs and steps of the follow-up module. Bindings: SQLite (`sqlite-followup-store.ts`) and
 * PostgreSQL (`pg-followup-store.ts`); the contract is `testing/followup-contract.ts`. A change to a
 * run is decided under {@link FollowupStore.lockRun} inside a {@link FollowupStore.transaction}, so
 * two people accepting at once on two instances cannot both win.
 */
export interface FollowupStore {
  chain(homeId: string): Promise<StoredChain | undefined>;
  /** Replaces the home's chain; `null` removes it. */
  setChain(homeId: string, steps: readonly ChainStep[] | null, by: string, now: number): Promise<void>;
  /** Inserts a run unless the alarm has one; true when this call inserted it. */
  insertRun(r: Run): Promise<boolean>;
  run(alarmId: string): Promise<Run | undefined>;
  /** Inside a transaction: the run, held against every other writer of it until the commit. */
  lockRun(alarmId: string): Promise<Run | undefined>;
  /** Absent `acceptedBy`/`acceptedAt` keep their value. */
  updateRun(alarmId: string, p: RunPatch): Promise<void>;
  /** Runs still looking for someone, or at the alarm centre while the alarm is open, oldest first. */
  open(): Promise<Run[]>;
  /** Runs of a home, newest first. */
  runsOfHome(homeId: string, limit: number): Promise<Run[]>;
  /** Runs started in [from, to), oldest first, for the report. */
  runsBetween(from: number, to: number): Promise<Run[]>;
  /** Runs a person accepted that are not stopped, newest first (for their phone page). */
  acceptedBy(userId: string): Promise<Run[]>;
  addStep(s: Step): Promise<void>;
  /** The run's steps in the order written. */
  steps(alarmId: string): Promise<Step[]>;
  /**
   * Runs `fn` in one transaction with a store bound to it (never this one): committed when `fn`
   * resolves, rolled back when it rejects.
   */
  transaction<T>(fn: (tx: FollowupStore) => Promise<T>): Promise<T>;
}
