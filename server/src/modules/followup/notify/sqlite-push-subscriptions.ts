import { randomUUID } from 'node:crypto';
import type { Db } from '../../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../../store/sqlite-async.js';
import type { PushSubscription, PushSubscriptionStore } from './push-subscription-store.js';

export type { PushSubscription } from './push-subscription-store.js';

const SELECT = `SELECT id, user_id AS userId, endpoint, p256dh, auth, label, lang, created_at AS createdAt,
  last_success_at AS lastSuccessAt, failures FROM push_subscriptions`;

/** The SQLite binding of {@link PushSubscriptionStore} (migrations 171, 240). */
export class SqlitePushSubscriptions implements PushSubscriptionStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  upsert(
    s: Pick<PushSubscription, 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'label' | 'lang'>,
    now: number,
  ): Promise<PushSubscription> {
    return this.h.run((db) => {
      db.prepare(
        `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, label, lang, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
           label = excluded.label, lang = excluded.lang, created_at = excluded.created_at, failures = 0`,
      ).run(randomUUID(), s.userId, s.endpoint, s.p256dh, s.auth, s.label, s.lang, now);
      return db.prepare(`${SELECT} WHERE endpoint = ?`).get(s.endpoint) as PushSubscription;
    });
  }

  ofUser(userId: string): Promise<PushSubscription[]> {
    return this.h.run(
      (db) =>
        db.prepare(`${SELECT} WHERE user_id = ? ORDER BY created_at, id`).all(userId) as PushSubscription[],
    );
  }

  delete(id: string, userId: string): Promise<boolean> {
    return this.h.run(
      (db) =>
        db.prepare('DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?').run(id, userId).changes ===
        1,
    );
  }

  drop(id: string): Promise<void> {
    return this.h.run((db) => {
      db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id);
    });
  }

  markResult(id: string, ok: boolean, now: number): Promise<void> {
    return this.h.run((db) => {
      if (ok)
        db.prepare('UPDATE push_subscriptions SET last_success_at = ?, failures = 0 WHERE id = ?').run(
          now,
          id,
        );
      else db.prepare('UPDATE push_subscriptions SET failures = failures + 1 WHERE id = ?').run(id);
    });
  }
}
