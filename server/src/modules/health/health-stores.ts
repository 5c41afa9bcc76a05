import type { BudgetAlertStore } from './budget-alert-store.js';
import type { IncidentStore } from './incident-store.js';
import type { StateStore } from './state-store.js';
import type { WarningStore } from './warning-store.js';

/** The platform (every server run of the deployment) as a run starting sees it. */
export interface PlatformBefore {
  /** The latest clean stop or last sign of life of any earlier run: when the platform was last up. */
  lastAliveAt: number;
  /** Another run is still alive: not stopped, and alive at or after the `aliveSince` given. */
  othersAlive: boolean;
}

/** One row per server run (one per instance start): start, last sign of life, clean stop. */
export interface PlatformRunStore {
  /**
   * Records a run starting (and alive) at `now` and reads, atomically with it, what the earlier
   * runs say ({@link PlatformBefore}; undefined for the first run): two instances starting together
   * see each other in turn (PostgreSQL: starts queue on an advisory lock), so one of them at most
   * finds the platform down. `aliveSince` null: no other run counts as alive (one process per
   * database, the embedded deployment).
   */
  start(
    now: number,
    aliveSince?: number | null,
  ): Promise<{ runId: number; before: PlatformBefore | undefined }>;
  /** The run is alive at `now`; an earlier `now` (a late call) never moves it back. */
  alive(runId: number, now: number): Promise<void>;
  stop(runId: number, now: number): Promise<void>;
}

/** A home incident clipped to a report window, with the home's region (REQUIREMENTS §9.4). */
export interface HomeIncidentSpan {
  homeId: string;
  region: string;
  start: number;
  end: number;
}

/** Read-model queries of the fleet pages and reports that span other aggregates. */
export interface HealthReadModel {
  /** Alarms not closed (the fleet summary tile). */
  openAlarmCount(): Promise<number>;
  /** Every home id, sorted. */
  homeIds(): Promise<string[]>;
  /** Incidents of homes overlapping `[from, to)`; open ones end at `openEnd`. */
  homeIncidentSpans(from: number, to: number, openEnd: number): Promise<HomeIncidentSpan[]>;
}

/**
 * The sweep's schedule in the database (PostgreSQL): when each gateway must next be evaluated
 * because time alone changes its state or its devices'. Written in the same transaction as the
 * evaluation that computed it, whichever instance ran it, so the instance holding the sweep lease
 * sees what every instance ingested. A time set earlier than needed only costs an evaluation.
 */
export interface DueStore {
  /** Sets when `gatewayId` falls due; `Infinity` unschedules it. */
  schedule(gatewayId: string, at: number): Promise<void>;
  /** {@link schedule} for each gateway of `at` (the last time given for it), in one statement each for the sets and the unsets. */
  scheduleAll(at: ReadonlyMap<string, number>): Promise<void>;
  /** The gateways due at or before `now`, earliest first (at most `limit`). */
  due(now: number, limit: number): Promise<string[]>;
}

/**
 * Every store the health module uses, bound to one handle (the shared one, or one transaction's);
 * the domain code depends on these interfaces only. `due` is there where the sweep's schedule is
 * kept in the database (PostgreSQL); the embedded deployment keeps it in memory.
 */
export interface HealthStores {
  states: StateStore;
  incidents: IncidentStore;
  warnings: WarningStore;
  alerts: BudgetAlertStore;
  platformRuns: PlatformRunStore;
  readModel: HealthReadModel;
  due?: DueStore;
}
