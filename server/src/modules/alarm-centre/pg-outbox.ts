import type { PgHandle } from '../../store/pg/pg-database.js';
import type { NewOutboxEntry, OutboxEntry, OutboxStore } from './outbox-store.js';

const SELECT = `SELECT id, account_id AS "accountId", home_id AS "homeId", source_key AS "sourceKey",
  event_id AS "eventId", kind, seq, content, data, state, attempts, last_attempt_at AS "lastAttemptAt",
  last_error AS "lastError", receiver_id AS "receiverId", created_at AS "createdAt", delivered_at AS "deliveredAt"
  FROM dc09_outbox`;

/**
 * The PostgreSQL binding of {@link OutboxStore} (pg migration 013). A cause is queued once per
 * account (`ON CONFLICT (account_id, source_key) DO NOTHING`, so two instances enqueueing the same
 * event store one message), and only a pending message is settled (a conditional `UPDATE`).
 */
export class PgOutbox implements OutboxStore {
  constructor(private readonly db: PgHandle) {}

  async bySource(accountId: string, sourceKey: string): Promise<OutboxEntry | undefined> {
    const r = await this.db.sql.query<OutboxEntry>(`${SELECT} WHERE account_id = $1 AND source_key = $2`, [
      accountId,
      sourceKey,
    ]);
    return r.rows[0];
  }

  async latestKind(homeId: string, kinds: readonly string[]): Promise<string | null> {
    if (kinds.length === 0) return null;
    const r = await this.db.sql.query<{ kind: string }>(
      'SELECT kind FROM dc09_outbox WHERE home_id = $1 AND kind = ANY($2::text[]) ORDER BY id DESC LIMIT 1',
      [homeId, [...kinds]],
    );
    return r.rows[0]?.kind ?? null;
  }

  async add(e: NewOutboxEntry): Promise<number | null> {
    const r = await this.db.sql.query<{ id: number }>(
      `INSERT INTO dc09_outbox (account_id, home_id, source_key, event_id, kind, seq, content, data, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
       ON CONFLICT (account_id, source_key) DO NOTHING RETURNING id`,
      [e.accountId, e.homeId, e.sourceKey, e.eventId, e.kind, e.seq, e.content, e.data, e.createdAt],
    );
    return r.rows[0]?.id ?? null;
  }

  async nextPending(accountId: string): Promise<OutboxEntry | undefined> {
    const r = await this.db.sql.query<OutboxEntry>(
      `${SELECT} WHERE state = 'pending' AND account_id = $1 ORDER BY id LIMIT 1`,
      [accountId],
    );
    return r.rows[0];
  }

  async get(id: number): Promise<OutboxEntry | undefined> {
    return (await this.db.sql.query<OutboxEntry>(`${SELECT} WHERE id = $1`, [id])).rows[0];
  }

  async attempted(id: number, at: number, error: string | null, receiverId: string): Promise<void> {
    await this.db.sql.query(
      'UPDATE dc09_outbox SET attempts = attempts + 1, last_attempt_at = $1, last_error = $2, receiver_id = $3 WHERE id = $4',
      [at, error, receiverId, id],
    );
  }

  async settle(
    id: number,
    state: 'delivered' | 'refused',
    at: number,
    receiverId: string,
    note: string | null,
  ): Promise<boolean> {
    const r = await this.db.sql.query(
      `UPDATE dc09_outbox SET state = $1, delivered_at = $2, receiver_id = $3, last_error = $4
       WHERE id = $5 AND state = 'pending'`,
      [state, state === 'delivered' ? at : null, receiverId, note, id],
    );
    return r.rowCount === 1;
  }

  async ofHome(homeId: string, limit: number): Promise<OutboxEntry[]> {
    const r = await this.db.sql.query<OutboxEntry>(`${SELECT} WHERE home_id = $1 ORDER BY id DESC LIMIT $2`, [
      homeId,
      limit,
    ]);
    return r.rows;
  }

  async ofEvents(eventIds: readonly string[]): Promise<OutboxEntry[]> {
    if (eventIds.length === 0) return [];
    const r = await this.db.sql.query<OutboxEntry>(`${SELECT} WHERE event_id = ANY($1::text[]) ORDER BY id`, [
      [...eventIds],
    ]);
    return r.rows;
  }

  async pendingOf(accountId: string): Promise<number> {
    const r = await this.db.sql.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending' AND account_id = $1",
      [accountId],
    );
    return r.rows[0]!.n;
  }

  async countPending(): Promise<number> {
    const r = await this.db.sql.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending'",
    );
    return r.rows[0]!.n;
  }
}
