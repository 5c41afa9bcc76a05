import type { EventStore } from '../../ingest/event-store.js';
import type { HomeIncidentSpan, PlatformRun } from '../health-stores.js';
import type { BudgetAlertStore } from './budget-alert-store.js';
import type { IncidentStore } from './incident-store.js';
import type { StateStore } from './state-store.js';
import type { WarningStore } from './warning-store.js';

export type { HomeIncidentSpan, PlatformRun };

/** One row per server run: start, last sign of life, clean stop. */
export interface PlatformRunStore {
  /** The newest run before this one, if any. */
  last(): PlatformRun | undefined;
  /** Records a run starting (and alive) at `now`; its id. */
  start(now: number): number;
  alive(runId: number, now: number): void;
  stop(runId: number, now: number): void;
}

/** Read-model queries of the fleet pages and reports that span other aggregates. */
export interface HealthReadModel {
  /** Alarms not closed (the fleet summary tile). */
  openAlarmCount(): number;
  /** Every home id, sorted. */
  homeIds(): string[];
  /** Incidents of homes overlapping `[from, to)`; open ones end at `openEnd`. */
  homeIncidentSpans(from: number, to: number, openEnd: number): HomeIncidentSpan[];
}

/** Every store the health module uses; the domain code depends on these interfaces only. */
export interface HealthStores {
  states: StateStore;
  incidents: IncidentStore;
  warnings: WarningStore;
  alerts: BudgetAlertStore;
  platformRuns: PlatformRunStore;
  readModel: HealthReadModel;
  /** The ingest event store, for a home's timeline. */
  events: EventStore;
}
