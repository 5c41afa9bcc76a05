import type { PgHandle } from '../../store/pg/pg-database.js';
import { IN_EVENT_COLUMNS } from './account-rows.js';
import { type InEventRow, type InLog, REJECTED_KEEP, type RejectedRow } from './in-log-store.js';

const REJECTED_COLUMNS = 'id, at, peer, transport, reason, answer, account, raw';

/**
 * The PostgreSQL binding of {@link InLog} (pg migration 014). A refused frame is kept and the
 * oldest beyond `keep` dropped in one statement.
 */
export class PgInLog implements InLog {
  constructor(
    private readonly db: PgHandle,
    private readonly keep = REJECTED_KEEP,
  ) {}

  async addEvent(e: Omit<InEventRow, 'id'>): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO dc09_in_events (account_id, home_id, seq, content, code, zone, mapped, event_id, message_at,
         received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
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
      ],
    );
  }

  async events(accountId: string, limit: number): Promise<InEventRow[]> {
    const r = await this.db.sql.query<InEventRow>(
      `SELECT ${IN_EVENT_COLUMNS} FROM dc09_in_events WHERE account_id = $1 ORDER BY id DESC LIMIT $2`,
      [accountId, limit],
    );
    return r.rows;
  }

  async reject(r: Omit<RejectedRow, 'id'>): Promise<void> {
    await this.db.sql.query(
      `WITH kept AS (
         INSERT INTO dc09_rejected (at, peer, transport, reason, answer, account, raw)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)
       DELETE FROM dc09_rejected WHERE id <= (SELECT id FROM kept) - $8`,
      [r.at, r.peer, r.transport, r.reason, r.answer, r.account, r.raw, this.keep],
    );
  }

  async rejected(limit: number): Promise<RejectedRow[]> {
    const r = await this.db.sql.query<RejectedRow>(
      `SELECT ${REJECTED_COLUMNS} FROM dc09_rejected ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return r.rows;
  }
}
