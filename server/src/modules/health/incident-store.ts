import type { IncidentEventBody } from '../ingest/domain-events.js';

export type Incident = IncidentEventBody;
export type SubjectKind = Incident['subjectKind'];

export interface IncidentFilter {
  open?: boolean;
  homeId?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/** What opens an incident. */
export type NewIncident = Pick<
  Incident,
  'subjectKind' | 'subjectId' | 'gatewayId' | 'homeId' | 'cause' | 'startedAt'
>;

/**
 * Incidents: at most one open per subject (the partial unique index `incidents_one_open`, so two
 * instances opening the same subject's incident open one); `started_at` is when the subject went
 * away, so downtime = end − start, not end − detection. Opening and closing are each one
 * conditional statement: what the caller announces (`incident.opened`, `incident.closed`) happened
 * exactly once, also when two callers race.
 */
/** An incident's subject (see {@link IncidentStore.openForAll}). */
export interface IncidentSubject {
  kind: SubjectKind;
  subjectId: string;
}

export interface IncidentStore {
  openFor(kind: SubjectKind, subjectId: string): Promise<Incident | undefined>;
  /** The open incidents of `subjects`, in one read (a batch of evaluations; in no particular order). */
  openForAll(subjects: readonly IncidentSubject[]): Promise<Incident[]>;
  /**
   * Opens the subject's incident unless one is open; `opened` false hands back the open one (another
   * caller opened it first).
   */
  open(i: NewIncident, detectedAt: number): Promise<{ incident: Incident; opened: boolean }>;
  /** Records a span that is already over (a platform gap found at start-up). */
  record(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'cause' | 'startedAt'> & { endedAt: number },
    detectedAt: number,
  ): Promise<Incident>;
  /** Closes the incident if it is still open (never before its start); undefined when it was not open. */
  close(id: number, endedAt: number): Promise<Incident | undefined>;
  /** An offline declaration may reveal that the subject was gone since an earlier time. */
  moveStart(id: number, startedAt: number): Promise<void>;
  get(id: number): Promise<Incident | undefined>;
  /** Newest start first (ties: newest id first). */
  list(f: IncidentFilter): Promise<Incident[]>;
  countOpen(): Promise<number>;
  /**
   * Downtime spans per scope (home id, or `platform`) overlapping `[from, now]`; open ones end at now.
   * `storage` incidents are not downtime (the unit still delivers) and are left out. With `scopes`,
   * only those scopes' spans.
   */
  spansByScope(
    from: number,
    now: number,
    scopes?: readonly string[],
  ): Promise<Map<string, Array<{ start: number; end: number }>>>;
}
