import { randomUUID } from 'node:crypto';
import type { PgHandle } from '../../../store/pg/pg-database.js';
import type { PushSubscription, PushSubscriptionStore } from './push-subscription-store.js';

const COLS = `id, user_id AS "userId", endpoint, p256dh, auth, label, lang, created_at AS "createdAt",
  last_success_at AS "lastSuccessAt", failures`;

/** The PostgreSQL binding of {@link PushSubscriptionStore} (pg migration 012). */
export class PgPushSubscriptions implements PushSubscriptionStore {
  constructor(private readonly db: PgHandle) {}

  async upsert(
    s: Pick<PushSubscription, 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'label' | 'lang'>,
    now: number,
  ): Promise<PushSubscription> {
    const r = await this.db.sql.query<PushSubscription>(
      `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, label, lang, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
         label = excluded.label, lang = excluded.lang, created_at = excluded.created_at, failures = 0
       RETURNING ${COLS}`,
      [randomUUID(), s.userId, s.endpoint, s.p256dh, s.auth, s.label, s.lang, now],
    );
    return r.rows[0]!;
  }

  async ofUser(userId: string): Promise<PushSubscription[]> {
    const r = await this.db.sql.query<PushSubscription>(
      `SELECT ${COLS} FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id COLLATE "C"`,
      [userId],
    );
    return r.rows;
  }

  async delete(id: string, userId: string): Promise<boolean> {
    const r = await this.db.sql.query('DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return r.rowCount === 1;
  }

  async drop(id: string): Promise<void> {
    await this.db.sql.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
  }

  async markResult(id: string, ok: boolean, now: number): Promise<void> {
    if (ok)
      await this.db.sql.query(
        'UPDATE push_subscriptions SET last_success_at = $1, failures = 0 WHERE id = $2',
        [now, id],
      );
    else await this.db.sql.query('UPDATE push_subscriptions SET failures = failures + 1 WHERE id = $1', [id]);
  }
}
