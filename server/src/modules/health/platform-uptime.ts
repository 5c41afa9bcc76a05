import type { PlatformRunStore } from './health-stores.js';
import type { Incident, IncidentStore } from './incident-store.js';

/**
 * The platform's own availability, measured like a home's: a row per server run (per instance
 * start) with its start, last sign of life (every instance refreshes its own every
 * `platformAliveMs`, `HealthService.alive`) and clean stop. The platform is the deployment, not
 * one process: it was down only while **no** run was alive. So at start, unless another run is
 * still alive, the gap since the latest sign of life of any run is recorded as a closed `platform`
 * incident.
 *
 * - Embedded (one process per database, `othersAliveWithinMs` null): no other run can be alive, so
 *   every gap between runs is downtime — a crash from its last second of life, a clean restart
 *   from its stop.
 * - Clustered: a run not stopped and alive within `othersAliveWithinMs` of the start is another
 *   instance still up: an instance restarting beside it is no outage. When every instance died,
 *   the first to start records the gap since the last of them was alive, and the others starting
 *   after it see it alive. A run that died less than `othersAliveWithinMs` before the start still
 *   counts as alive: an outage of the whole region shorter than that is not recorded.
 */
export class PlatformUptime {
  private runId: number | null = null;

  constructor(
    private readonly runs: PlatformRunStore,
    private readonly incidents: IncidentStore,
    private readonly othersAliveWithinMs: number | null = null,
  ) {}

  async start(now: number): Promise<Incident | undefined> {
    const within = this.othersAliveWithinMs;
    const { runId, before } = await this.runs.start(now, within === null ? null : now - within);
    this.runId = runId;
    if (!before || before.othersAlive) return undefined;
    const downSince = before.lastAliveAt;
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
