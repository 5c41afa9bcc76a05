import type { Db } from '../../store/database.js';
import type { Incident, IncidentStore } from './incident-store.js';

/**
 * The platform's own availability, measured like a home's (issue 6 §4): a row per server run with
 * its start, last sign of life (refreshed by the sweep) and clean stop. At start, the gap since
 * the previous run was last alive is recorded as a closed `platform` incident.
 */
export class PlatformUptime {
  private runId: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly incidents: IncidentStore,
  ) {}

  start(now: number): Incident | undefined {
    const prev = this.db
      .prepare(
        'SELECT last_alive_at AS lastAliveAt, stopped_at AS stoppedAt FROM platform_runs ORDER BY id DESC LIMIT 1',
      )
      .get() as { lastAliveAt: number; stoppedAt: number | null } | undefined;
    this.runId = Number(
      this.db.prepare('INSERT INTO platform_runs (started_at, last_alive_at) VALUES (?, ?)').run(now, now)
        .lastInsertRowid,
    );
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
    if (this.runId !== null)
      this.db.prepare('UPDATE platform_runs SET last_alive_at = ? WHERE id = ?').run(now, this.runId);
  }

  stop(now: number): void {
    if (this.runId === null) return;
    this.db
      .prepare('UPDATE platform_runs SET last_alive_at = ?, stopped_at = ? WHERE id = ?')
      .run(now, now, this.runId);
    this.runId = null;
  }
}
