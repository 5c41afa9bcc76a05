import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import type { AlarmSource, OpenAlarm } from './alarm-source.js';

/** The SQLite binding of {@link AlarmSource} (the alarms module's migration 012), over a {@link SqliteHandle}. */
export class SqliteAlarmSource implements AlarmSource {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  openAtHome(homeId: string): Promise<OpenAlarm[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT id, assigned_team_id AS "assignedTeamId", assigned_user_id AS "assignedUserId",
               raised_at AS "raisedAt"
             FROM alarms WHERE home_id = ? AND state <> 'closed' AND cancelled_at IS NULL ORDER BY raised_at, id`,
          )
          .all(homeId) as OpenAlarm[],
    );
  }

  raisedAt(alarmId: string): Promise<number | null> {
    return this.h.run(
      (db) =>
        (
          db.prepare('SELECT raised_at FROM alarms WHERE id = ?').get(alarmId) as
            | { raised_at: number }
            | undefined
        )?.raised_at ?? null,
    );
  }
}
