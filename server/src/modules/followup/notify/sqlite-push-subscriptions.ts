import { randomUUID } from 'node:crypto';
import type { Locale } from '../../../i18n/index.js';
import type { Db } from '../../../store/database.js';

/** A browser's push subscription [RFC 8030 §5, RFC 8291 §3]: where to post and the keys to encrypt for. */
export interface PushSubscription {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
  /** The language the person chose on this device; null = the deployment's default. */
  lang: Locale | null;
  createdAt: number;
  lastSuccessAt: number | null;
  failures: number;
}

const SELECT = `SELECT id, user_id AS userId, endpoint, p256dh, auth, label, lang, created_at AS createdAt,
  last_success_at AS lastSuccessAt, failures FROM push_subscriptions`;

/** Push subscriptions per person and device (one per endpoint; a re-subscribe replaces it). */
export class SqlitePushSubscriptions {
  constructor(private readonly db: Db) {}

  upsert(
    s: Pick<PushSubscription, 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'label' | 'lang'>,
    now: number,
  ): PushSubscription {
    this.db
      .prepare(
        `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, label, lang, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
           label = excluded.label, lang = excluded.lang, created_at = excluded.created_at, failures = 0`,
      )
      .run(randomUUID(), s.userId, s.endpoint, s.p256dh, s.auth, s.label, s.lang, now);
    return this.db.prepare(`${SELECT} WHERE endpoint = ?`).get(s.endpoint) as PushSubscription;
  }

  ofUser(userId: string): PushSubscription[] {
    return this.db
      .prepare(`${SELECT} WHERE user_id = ? ORDER BY created_at`)
      .all(userId) as PushSubscription[];
  }

  delete(id: string, userId: string): boolean {
    return (
      this.db.prepare('DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?').run(id, userId)
        .changes === 1
    );
  }

  /** The push service said the subscription is gone (404/410): it is of no use any more. */
  drop(id: string): void {
    this.db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id);
  }

  markResult(id: string, ok: boolean, now: number): void {
    if (ok)
      this.db
        .prepare('UPDATE push_subscriptions SET last_success_at = ?, failures = 0 WHERE id = ?')
        .run(now, id);
    else this.db.prepare('UPDATE push_subscriptions SET failures = failures + 1 WHERE id = ?').run(id);
  }
}
