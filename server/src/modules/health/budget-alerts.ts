import type { DomainEventBus } from '../ingest/domain-events.js';
import { type BudgetStatus, budgetStatus } from './budget.js';
import type { BudgetAlertKind } from './budget-alert-store.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthStores } from './health-stores.js';

/**
 * Downtime budgets as the health sweep watches them (REQUIREMENTS §8.8: per incident and per
 * year; the burn windows of `health-policy.ts`): every scope's status from its incidents, and the
 * alerts raised and cleared on the shared stores, each raise emitted as `budget.alert`.
 */
export class BudgetAlerts {
  constructor(
    private readonly stores: Pick<HealthStores, 'alerts' | 'incidents'>,
    private readonly bus: DomainEventBus,
    private readonly policy: HealthPolicy,
  ) {}

  async status(scope: string, now: number): Promise<BudgetStatus> {
    return (await this.statuses(now))(scope);
  }

  /** Every scope's budget at `now` from one read of the year's incidents. */
  async statuses(now: number): Promise<(scope: string) => BudgetStatus> {
    const spans = await this.stores.incidents.spansByScope(now - this.policy.budget.yearMs, now);
    return (scope) => budgetStatus(spans.get(scope) ?? [], now, this.policy.budget);
  }

  /**
   * Raises and clears the budget alerts at `now` (the sweep, on one instance at a time): a scope's
   * burn windows and its year, and incidents running long or over the per-incident budget.
   */
  async evaluate(now: number): Promise<void> {
    const p = this.policy.budget;
    const s = this.stores;
    // Only a scope with an open burn or exhaustion alert has one to clear. After a restart every
    // home has downtime in its year, and the sweep ran three UPDATEs per home that cleared nothing,
    // every 15 s (docs/scaling.md §4: the health sweep under an 18,000-home restart).
    const burning = new Set(await s.alerts.burningScopes());
    // Only a scope down within the longest burn window can start burning or use up its year (its
    // downtime grows only while it is down), so only those and the burning ones need their year:
    // not a year of the fleet's incidents every sweep.
    const longest = Math.max(...p.windows.map((w) => w.windowMs), this.policy.sweepIntervalMs);
    const recent = await s.incidents.spansByScope(now - longest, now);
    const scopes = [...new Set([...recent.keys(), ...burning])];
    const spans =
      scopes.length === 0 ? new Map() : await s.incidents.spansByScope(now - p.yearMs, now, scopes);
    for (const scope of scopes) {
      const st = budgetStatus(spans.get(scope) ?? [], now, p);
      const open = burning.has(scope);
      for (const w of st.windows) {
        const kind: BudgetAlertKind = w.name === 'fast' ? 'burn_fast' : 'burn_slow';
        if (w.alerting)
          await this.raise(scope, kind, null, now, {
            ...w,
            consumedMs: st.consumedMs,
            remainingMs: st.remainingMs,
          });
        else if (open) await s.alerts.clear(scope, kind, null, now);
      }
      if (st.exhausted) await this.raise(scope, 'yearly_exhausted', null, now, { consumedMs: st.consumedMs });
      else if (open) await s.alerts.clear(scope, 'yearly_exhausted', null, now);
    }
    for (const inc of await s.incidents.list({ open: true, limit: 10_000, offset: 0 })) {
      if (inc.subjectKind === 'storage') continue; // not downtime
      const scope = inc.subjectKind === 'platform' ? 'platform' : inc.homeId;
      if (scope === null) continue;
      const dur = now - inc.startedAt;
      const detail = { durationMs: dur, subjectKind: inc.subjectKind, subjectId: inc.subjectId };
      if (dur >= p.incidentWarnAtMs) await this.raise(scope, 'incident_long', inc.incidentId, now, detail);
      if (dur >= p.perIncidentMs)
        await this.raise(scope, 'incident_over_budget', inc.incidentId, now, detail);
    }
  }

  private async raise(
    scope: string,
    kind: BudgetAlertKind,
    incidentId: number | null,
    now: number,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const a = await this.stores.alerts.raise(scope, kind, incidentId, now, detail);
    if (a) this.bus.emit('budget.alert', { alertId: a.id, scope, kind, at: now, detail });
  }
}
