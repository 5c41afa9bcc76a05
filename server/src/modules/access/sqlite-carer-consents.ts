import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import type { CarerConsent } from './carer-consent.js';
import type { CarerConsentStore } from './carer-consent-store.js';
import type { WeeklyWindow } from './decide-access.js';
import { gated } from './sqlite-access-stores.js';

const SELECT = `SELECT id, home_id AS homeId, carer_user_id AS carerUserId, windows, alarm_only AS alarmOnly,
  granted_at AS grantedAt, granted_by AS grantedBy, withdrawn_at AS withdrawnAt, withdrawn_by AS withdrawnBy
  FROM access_carer_consents`;
const row = (r: unknown): CarerConsent => {
  const x = r as Omit<CarerConsent, 'windows' | 'alarmOnly'> & { windows: string; alarmOnly: number };
  return { ...x, windows: JSON.parse(x.windows) as WeeklyWindow[], alarmOnly: x.alarmOnly === 1 };
};

/**
 * The consents over an SQLite connection's shared async handle (store README, "Async stores on
 * SQLite"): a call waits while another caller's transaction is open instead of joining it.
 */
export function sqliteCarerConsentStore(db: Db): CarerConsentStore {
  return gated(new SqliteCarerConsents(db), sqliteHandle(db));
}

/**
 * The SQLite binding of {@link CarerConsentStore} (`access_carer_consents`). Every method runs whole
 * in one turn (no `await` inside), so {@link sqliteCarerConsentStore} can gate each call.
 */
export class SqliteCarerConsents implements CarerConsentStore {
  constructor(private readonly db: Db) {}

  async active(homeId: string, carerUserId: string): Promise<CarerConsent | null> {
    const r = this.db
      .prepare(
        `${SELECT} WHERE home_id = ? AND carer_user_id = ? AND withdrawn_at IS NULL ORDER BY granted_at DESC, id DESC LIMIT 1`,
      )
      .get(homeId, carerUserId);
    return r === undefined ? null : row(r);
  }

  /** Every consent of a home, newest first (the client's history). */
  async ofHome(homeId: string): Promise<CarerConsent[]> {
    return this.db
      .prepare(`${SELECT} WHERE home_id = ? ORDER BY granted_at DESC, id DESC`)
      .all(homeId)
      .map(row);
  }

  async grant(
    c: Pick<CarerConsent, 'homeId' | 'carerUserId' | 'windows' | 'alarmOnly' | 'grantedBy'>,
    now: number,
  ): Promise<CarerConsent> {
    const id = randomUUID();
    this.db.transaction(() => {
      this.withdrawNow(c.homeId, c.carerUserId, c.grantedBy, now);
      this.db
        .prepare(
          `INSERT INTO access_carer_consents (id, home_id, carer_user_id, windows, alarm_only, granted_at, granted_by)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, c.homeId, c.carerUserId, JSON.stringify(c.windows), c.alarmOnly ? 1 : 0, now, c.grantedBy);
    })();
    return row(this.db.prepare(`${SELECT} WHERE id = ?`).get(id));
  }

  async withdraw(homeId: string, carerUserId: string, by: string, now: number): Promise<boolean> {
    return this.withdrawNow(homeId, carerUserId, by, now);
  }

  private withdrawNow(homeId: string, carerUserId: string, by: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE access_carer_consents SET withdrawn_at = ?, withdrawn_by = ?
           WHERE home_id = ? AND carer_user_id = ? AND withdrawn_at IS NULL`,
        )
        .run(now, by, homeId, carerUserId).changes > 0
    );
  }
}
