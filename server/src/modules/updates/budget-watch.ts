import type { HealthService } from '../health/index.js';
import { budgetStatus } from '../health/index.js';

/**
 * What a rollout needs of the health module: which of some homes have a downtime budget burning now
 * (a fast or slow burn-rate window alerting, or the year's budget spent) [REQUIREMENTS §8.8 via
 * the health module's budgets, server/src/modules/health/API.md]. Home id → a reason a person reads.
 */
export interface BudgetWatch {
  burning(homeIds: readonly string[], now: number): Map<string, string>;
}

/** The budget watch over the health service (one pass over the incidents per call). */
export function healthBudgetWatch(health: HealthService): BudgetWatch {
  return {
    burning(homeIds, now) {
      const out = new Map<string, string>();
      if (homeIds.length === 0) return out;
      const p = health.policy.budget;
      const spans = health.incidents.spansByScope(now - p.yearMs, now);
      for (const home of new Set(homeIds)) {
        const s = budgetStatus(spans.get(home) ?? [], now, p);
        const w = s.windows.find((x) => x.alerting);
        if (w)
          out.set(
            home,
            `${w.name} burn ${w.burnRate.toFixed(1)}× over ${Math.round(w.windowMs / 60_000)} min`,
          );
        else if (s.exhausted) out.set(home, 'the yearly downtime budget is spent');
      }
      return out;
    },
  };
}
