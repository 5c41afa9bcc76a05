import type { Db } from '../../store/database.js';
import type { AlarmSource, OpenAlarm } from './alarm-source.js';

/** The SQLite binding of {@link AlarmSource}. */
export class SqliteAlarmSource implements AlarmSource {
  constructor(private readonly db: Db) {}

  async openAtHome(homeId: string): Promise<OpenAlarm[]> {
    if (!this.hasTable()) return [];
    return (
      this.db
        .prepare(
          `SELECT id, assigned_team_id, assigned_user_id, raised_at FROM alarms
           WHERE home_id = ? AND state <> 'closed' AND cancelled_at IS NULL ORDER BY raised_at`,
        )
        .all(homeId) as Array<{
        id: string;
        assigned_team_id: string | null;
        assigned_user_id: string | null;
        raised_at: number;
      }>
    ).map((r) => ({
      id: r.id,
      assignedTeamId: r.assigned_team_id,
      assignedUserId: r.assigned_user_id,
      raisedAt: r.raised_at,
    }));
  }

  async raisedAt(alarmId: string): Promise<number | null> {
    if (!this.hasTable()) return null;
    const r = this.db.prepare('SELECT raised_at FROM alarms WHERE id = ?').get(alarmId) as
      | { raised_at: number }
      | undefined;
    return r?.raised_at ?? null;
  }

  private hasTable(): boolean {
    return (
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alarms'").get() !==
      undefined
    );
  }
}
