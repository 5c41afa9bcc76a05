import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import { IN_EVENT_COLUMNS } from './account-rows.js';
import { type InEventRow, type InLog, REJECTED_KEEP, type RejectedRow } from './in-log-store.js';

export type { InEventRow, InLog, RejectedRow } from './in-log-store.js';
export { printable, RAW_KEEP_BYTES, REJECTED_KEEP } from './in-log-store.js';

/** The SQLite binding of {@link InLog} (migration 150), on the shared handle or a transaction's. */
export class SqliteInLog implements InLog {
  private readonly h: SqliteHandle;
  constructor(
    db: Db | SqliteHandle,
    private readonly keep = REJECTED_KEEP,
  ) {
    this.h = asSqliteHandle(db);
  }

  addEvent(e: Omit<InEventRow, 'id'>): Promise<void> {
    return this.h.run((db) => addEvent(db, e));
  }

  events(accountId: string, limit: number): Promise<InEventRow[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT ${IN_EVENT_COLUMNS} FROM dc09_in_events WHERE account_id = ? ORDER BY id DESC LIMIT ?`,
          )
          .all(accountId, limit) as InEventRow[],
    );
  }

  reject(r: Omit<RejectedRow, 'id'>): Promise<void> {
    return this.h.run((db) =>
      db.transaction(() => {
        const { id } = db
          .prepare(
            'INSERT INTO dc09_rejected (at, peer, transport, reason, answer, account, raw) VALUES (?,?,?,?,?,?,?) RETURNING id',
          )
          .get(r.at, r.peer, r.transport, r.reason, r.answer, r.account, r.raw) as { id: number };
        db.prepare('DELETE FROM dc09_rejected WHERE id <= ?').run(id - this.keep);
      })(),
    );
  }

  rejected(limit: number): Promise<RejectedRow[]> {
    return this.h.run(
      (db) => db.prepare('SELECT * FROM dc09_rejected ORDER BY id DESC LIMIT ?').all(limit) as RejectedRow[],
    );
  }
}

function addEvent(db: Db, e: Omit<InEventRow, 'id'>): void {
  db.prepare(
    `INSERT INTO dc09_in_events (account_id, home_id, seq, content, code, zone, mapped, event_id, message_at,
       received_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
  ).run(
    e.accountId,
    e.homeId,
    e.seq,
    e.content,
    e.code,
    e.zone,
    e.mapped,
    e.eventId,
    e.messageAt,
    e.receivedAt,
  );
}
