import type { PlatformRunStore } from './legacy-sync/health-stores.js';
import type { Incident, IncidentStore } from './legacy-sync/incident-store.js';

/**
 * The platform's own availability, measured like a home's: a row per server run with
 * its start, last sign of life (refreshed by the sweep) and clean stop. At start, the gap since
 * the previous run was last alive is recorded as a closed `platform` incident.
 */
export class PlatformUptime {
  private runId: number | null = null;

  constructor(
    private readonly runs: PlatformRunStore,
    private readonly incidents: IncidentStore,
  ) {}

  start(now: number): Incident | undefined {
    const prev = this.runs.last();
    this.runId = this.runs.start(now);
    if (!prev) return undefined;
    const downSince = prev.stoppedAt ?? prev.lastAliveAt;
    if (now <= downSince) return undefined;
    return this.incidents.record(
      {
        subjectKind: 'platform',
        subjectId: 'platform',
        cause: 'platform_down',
        startedAt: downSince,
        endedAt: now,
      },
      now,
    );
  }

  alive(now: number): void {
    if (this.runId !== null) this.runs.alive(this.runId, now);
  }

  stop(now: number): void {
    if (this.runId === null) return;
    this.runs.stop(this.runId, now);
    this.runId = null;
  }
}
