import type { PgHandle } from '../../store/pg/pg-database.js';
import type { AlarmSource, OpenAlarm } from './alarm-source.js';

/** The PostgreSQL binding of {@link AlarmSource} (the alarms module's pg migration 045). */
export class PgAlarmSource implements AlarmSource {
  constructor(private readonly db: PgHandle) {}

  async openAtHome(homeId: string): Promise<OpenAlarm[]> {
    const r = await this.db.sql.query<OpenAlarm>(
      `SELECT id, assigned_team_id AS "assignedTeamId", assigned_user_id AS "assignedUserId",
         raised_at AS "raisedAt"
       FROM alarms WHERE home_id = $1 AND state <> 'closed' AND cancelled_at IS NULL
       ORDER BY raised_at, id COLLATE "C"`,
      [homeId],
    );
    return r.rows;
  }

  async raisedAt(alarmId: string): Promise<number | null> {
    const r = await this.db.sql.query<{ raised_at: number }>('SELECT raised_at FROM alarms WHERE id = $1', [
      alarmId,
    ]);
    return r.rows[0]?.raised_at ?? null;
  }
}
