import type { BudgetAlert, BudgetAlertKind } from '../budget-alert-store.js';

export type { BudgetAlert, BudgetAlertKind };

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
