import type { PlatformRunStore } from './health-stores.js';
import type { Incident, IncidentStore } from './incident-store.js';

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

  async start(now: number): Promise<Incident | undefined> {
    const prev = await this.runs.last();
    this.runId = await this.runs.start(now);
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

  async alive(now: number): Promise<void> {
    if (this.runId !== null) await this.runs.alive(this.runId, now);
  }

  async stop(now: number): Promise<void> {
    if (this.runId === null) return;
    const id = this.runId;
    this.runId = null;
    await this.runs.stop(id, now);
  }
}
