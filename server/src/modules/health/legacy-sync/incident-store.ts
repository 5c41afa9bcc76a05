import type { Incident, IncidentFilter, SubjectKind } from '../incident-store.js';

export type { Incident, IncidentFilter, SubjectKind };

/**
 * Incidents: at most one open per subject; `started_at` is the last time the subject was seen,
 * so downtime = end − last seen, not end − detection.
 */
export interface IncidentStore {
  openFor(kind: SubjectKind, subjectId: string): Incident | undefined;
  open(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'gatewayId' | 'homeId' | 'cause' | 'startedAt'>,
    detectedAt: number,
  ): Incident;
  /** Records a span that is already over (a platform gap found at start-up). */
  record(
    i: Pick<Incident, 'subjectKind' | 'subjectId' | 'cause' | 'startedAt'> & { endedAt: number },
    detectedAt: number,
  ): Incident;
  close(id: number, endedAt: number): Incident;
  /** An offline declaration may reveal that the subject was gone since an earlier time. */
  moveStart(id: number, startedAt: number): void;
  get(id: number): Incident | undefined;
  list(f: IncidentFilter): Incident[];
  countOpen(): number;
  /** Downtime spans per scope (home id, or `platform`) overlapping `[from, now]`; open ones end at now. */
  spansByScope(from: number, now: number): Map<string, Array<{ start: number; end: number }>>;
}
