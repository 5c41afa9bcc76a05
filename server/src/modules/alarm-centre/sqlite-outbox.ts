import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import type { NewOutboxEntry, OutboxEntry, OutboxStore } from './outbox-store.js';

export type { DeliveryState, NewOutboxEntry, OutboxEntry } from './outbox-store.js';

const SELECT = `SELECT id, account_id AS accountId, home_id AS homeId, source_key AS sourceKey,
  event_id AS eventId, kind, seq, content, data, state, attempts, last_attempt_at AS lastAttemptAt,
  last_error AS lastError, receiver_id AS receiverId, created_at AS createdAt, delivered_at AS deliveredAt
  FROM dc09_outbox`;

/**
 * The SQLite binding of {@link OutboxStore} (migration 150), on the connection's shared handle or a
 * transaction's (the enqueuer's, inside an ingest turn).
 */
export class SqliteOutbox implements OutboxStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  bySource(accountId: string, sourceKey: string): Promise<OutboxEntry | undefined> {
    return this.h.run((db) => bySource(db, accountId, sourceKey));
  }

  latestKind(homeId: string, kinds: readonly string[]): Promise<string | null> {
    return this.h.run((db) => latestKind(db, homeId, kinds));
  }

  add(e: NewOutboxEntry): Promise<number | null> {
    return this.h.run((db) => add(db, e));
  }

  nextPending(accountId: string): Promise<OutboxEntry | undefined> {
    return this.h.run(
      (db) =>
        db
          .prepare(`${SELECT} WHERE state = 'pending' AND account_id = ? ORDER BY id LIMIT 1`)
          .get(accountId) as OutboxEntry | undefined,
    );
  }

  get(id: number): Promise<OutboxEntry | undefined> {
    return this.h.run((db) => get(db, id));
  }

  attempted(id: number, at: number, error: string | null, receiverId: string): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        'UPDATE dc09_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, receiver_id = ? WHERE id = ?',
      ).run(at, error, receiverId, id);
    });
  }

  settle(
    id: number,
    state: 'delivered' | 'refused',
    at: number,
    receiverId: string,
    note: string | null,
  ): Promise<boolean> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `UPDATE dc09_outbox SET state = ?, delivered_at = ?, receiver_id = ?, last_error = ?
             WHERE id = ? AND state = 'pending'`,
          )
          .run(state, state === 'delivered' ? at : null, receiverId, note, id).changes === 1,
    );
  }

  ofHome(homeId: string, limit: number): Promise<OutboxEntry[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(`${SELECT} WHERE home_id = ? ORDER BY id DESC LIMIT ?`)
          .all(homeId, limit) as OutboxEntry[],
    );
  }

  ofEvents(eventIds: readonly string[]): Promise<OutboxEntry[]> {
    if (eventIds.length === 0) return Promise.resolve([]);
    return this.h.run(
      (db) =>
        db
          .prepare(`${SELECT} WHERE event_id IN (${eventIds.map(() => '?').join(',')}) ORDER BY id`)
          .all(...eventIds) as OutboxEntry[],
    );
  }

  pendingOf(accountId: string): Promise<number> {
    return this.h.run(
      (db) =>
        (
          db
            .prepare("SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending' AND account_id = ?")
            .get(accountId) as {
            n: number;
          }
        ).n,
    );
  }

  countPending(): Promise<number> {
    return this.h.run(
      (db) =>
        (db.prepare("SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending'").get() as { n: number })
          .n,
    );
  }
}

function bySource(db: Db, accountId: string, sourceKey: string): OutboxEntry | undefined {
  return db.prepare(`${SELECT} WHERE account_id = ? AND source_key = ?`).get(accountId, sourceKey) as
    | OutboxEntry
    | undefined;
}

function latestKind(db: Db, homeId: string, kinds: readonly string[]): string | null {
  if (kinds.length === 0) return null;
  const r = db
    .prepare(
      `SELECT kind FROM dc09_outbox WHERE home_id = ? AND kind IN (${kinds.map(() => '?').join(',')})
       ORDER BY id DESC LIMIT 1`,
    )
    .get(homeId, ...kinds) as { kind: string } | undefined;
  return r?.kind ?? null;
}

function add(db: Db, e: NewOutboxEntry): number | null {
  const r = db
    .prepare(
      `INSERT INTO dc09_outbox (account_id, home_id, source_key, event_id, kind, seq, content, data, state,
         created_at) VALUES (?,?,?,?,?,?,?,?,'pending',?) ON CONFLICT (account_id, source_key) DO NOTHING`,
    )
    .run(e.accountId, e.homeId, e.sourceKey, e.eventId, e.kind, e.seq, e.content, e.data, e.createdAt);
  return r.changes === 1 ? Number(r.lastInsertRowid) : null;
}

function get(db: Db, id: number): OutboxEntry | undefined {
  return db.prepare(`${SELECT} WHERE id = ?`).get(id) as OutboxEntry | undefined;
}
