import { randomUUID } from 'node:crypto';
import type { PgHandle } from '../../store/pg/pg-database.js';
import type { CarerConsent } from './carer-consent.js';
import type { CarerConsentStore } from './carer-consent-store.js';
import type { WeeklyWindow } from './decide-access.js';

const SELECT = `SELECT id, home_id AS "homeId", carer_user_id AS "carerUserId", windows, alarm_only AS "alarmOnly",
  granted_at AS "grantedAt", granted_by AS "grantedBy", withdrawn_at AS "withdrawnAt", withdrawn_by AS "withdrawnBy"
  FROM access_carer_consents`;
type Row = Omit<CarerConsent, 'windows'> & { windows: string };
const row = (r: Row): CarerConsent => ({ ...r, windows: JSON.parse(r.windows) as WeeklyWindow[] });

/** The PostgreSQL binding of {@link CarerConsentStore} (`access_carer_consents`, migration 021). */
export class PgCarerConsents implements CarerConsentStore {
  constructor(private readonly db: PgHandle) {}

  async active(homeId: string, carerUserId: string): Promise<CarerConsent | null> {
    const r = await this.db.sql.query<Row>(
      `${SELECT} WHERE home_id = $1 AND carer_user_id = $2 AND withdrawn_at IS NULL
       ORDER BY granted_at DESC, id COLLATE "C" DESC LIMIT 1`,
      [homeId, carerUserId],
    );
    return r.rows[0] ? row(r.rows[0]) : null;
  }

  async ofHome(homeId: string): Promise<CarerConsent[]> {
    const r = await this.db.sql.query<Row>(
      `${SELECT} WHERE home_id = $1 ORDER BY granted_at DESC, id COLLATE "C" DESC`,
      [homeId],
    );
    return r.rows.map(row);
  }

  // Grants of one home and carer queue on an advisory lock; the unique index is the backstop.
  async grant(
    c: Pick<CarerConsent, 'homeId' | 'carerUserId' | 'windows' | 'alarmOnly' | 'grantedBy'>,
    now: number,
  ): Promise<CarerConsent> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.sql.query(
        "SELECT pg_advisory_xact_lock(hashtextextended('access.consent:' || $1 || '/' || $2, 0))",
        [c.homeId, c.carerUserId],
      );
      await new PgCarerConsents(tx).withdraw(c.homeId, c.carerUserId, c.grantedBy, now);
      await tx.sql.query(
        `INSERT INTO access_carer_consents (id, home_id, carer_user_id, windows, alarm_only, granted_at, granted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, c.homeId, c.carerUserId, JSON.stringify(c.windows), c.alarmOnly, now, c.grantedBy],
      );
    });
    const r = await this.db.sql.query<Row>(`${SELECT} WHERE id = $1`, [id]);
    return row(r.rows[0]!);
  }

  async withdraw(homeId: string, carerUserId: string, by: string, now: number): Promise<boolean> {
    const r = await this.db.sql.query(
      `UPDATE access_carer_consents SET withdrawn_at = $1, withdrawn_by = $2
       WHERE home_id = $3 AND carer_user_id = $4 AND withdrawn_at IS NULL`,
      [now, by, homeId, carerUserId],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
