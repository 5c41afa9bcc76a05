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

/** Budget alerts: at most one open per (scope, kind, incident); closed when the condition clears. */
export interface BudgetAlertStore {
  /** Opens the alert unless already open; returns it only when newly opened. */
  raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    at: number,
    detail: Record<string, unknown>,
  ): BudgetAlert | undefined;
  clear(scope: string, kind: BudgetAlertKind, incidentId: number | null, at: number): void;
  /** Closes the open incident alerts of an incident that ended (the record stays). */
  clearIncident(incidentId: number, at: number): void;
  list(f: { open?: boolean; scope?: string; limit: number }): BudgetAlert[];
  /** Scopes with an open burn or exhaustion alert ("budgets burning"). */
  burningScopes(): string[];
}
