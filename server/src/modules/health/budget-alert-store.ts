export type BudgetAlertKind =
  | 'burn_fast'
  | 'burn_slow'
  | 'yearly_exhausted'
  | 'incident_long'
  | 'incident_over_budget';

export interface BudgetAlert {
  id: number;
  /** A home id, or `platform`. */
  scope: string;
  kind: BudgetAlertKind;
  incidentId: number | null;
  openedAt: number;
  closedAt: number | null;
  detail: Record<string, unknown>;
}

/**
 * Budget alerts: at most one open per (scope, kind, incident) — the partial unique index
 * `budget_alerts_one_open` — closed when the condition clears.
 */
export interface BudgetAlertStore {
  /** Opens the alert unless already open (also against a concurrent caller); returns it only when newly opened. */
  raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    at: number,
    detail: Record<string, unknown>,
  ): Promise<BudgetAlert | undefined>;
  clear(scope: string, kind: BudgetAlertKind, incidentId: number | null, at: number): Promise<void>;
  /** Closes the open incident alerts of an incident that ended (the record stays). */
  clearIncident(incidentId: number, at: number): Promise<void>;
  /** Newest first (ties: newest id first). */
  list(f: { open?: boolean; scope?: string; limit: number }): Promise<BudgetAlert[]>;
  /** Scopes with an open burn or exhaustion alert ("budgets burning"), sorted. */
  burningScopes(): Promise<string[]>;
}
