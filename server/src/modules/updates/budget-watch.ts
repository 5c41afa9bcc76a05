import type { HealthService } from '../health/index.js';
import { budgetStatus } from '../health/index.js';

/**
 * What a rollout needs of the health module: which homes have a downtime budget burning now
 * (a fast or slow burn-rate window alerting, or the year's budget spent) [REQUIREMENTS §8.8 via
 * the health module's budgets, server/src/modules/health/API.md]. Home id → a reason a person reads.
 * Read before a rollout's transaction, never inside it (the health stores are not the rollout's).
 */
export interface BudgetWatch {
  burning(now: number): Promise<Map<string, string>>;
}

/** The budget watch over the health service (one read of the year's incidents per call). */
export function healthBudgetWatch(health: HealthService): BudgetWatch {
  return {
    async burning(now) {
      const out = new Map<string, string>();
      const p = health.policy.budget;
      const spans = await health.incidents.spansByScope(now - p.yearMs, now);
      for (const [home, list] of spans) {
        if (home === 'platform') continue;
        const s = budgetStatus(list, now, p);
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
