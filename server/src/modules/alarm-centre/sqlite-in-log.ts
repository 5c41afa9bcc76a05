import type { Db } from '../../store/database.js';

/** One event a third-party unit sent, mapped or not: unknown codes are kept and shown, never dropped. */
export interface InEventRow {
  id: number;
  accountId: string;
  homeId: string;
  seq: number;
  content: string;
  code: string;
  zone: string | null;
  /** Baken's kind (`pendant/alarm`), or null for a code Baken does not map. */
  mapped: string | null;
  eventId: string | null;
  messageAt: number | null;
  receivedAt: number;
}

/** A refused frame with its raw bytes (printable, escaped), kept for diagnosis. */
export interface RejectedRow {
  id: number;
  at: number;
  peer: string;
  transport: string;
  reason: string;
  answer: string;
  account: string | null;
  raw: string;
}

/** How many refused frames are kept; older ones are dropped as new ones come. */
export const REJECTED_KEEP = 500;
/** How many bytes of a refused frame are kept. */
export const RAW_KEEP_BYTES = 2048;

/** Raw bytes as printable text: ASCII kept, everything else `\xNN`, so any input is safe to show. */
export function printable(raw: Uint8Array): string {
  let s = '';
  for (const b of raw.subarray(0, RAW_KEEP_BYTES)) {
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return raw.length > RAW_KEEP_BYTES ? `${s}…` : s;
}

/** What the receiver took in and what it refused (`dc09_in_events`, `dc09_rejected`). */
export class InLog {
  constructor(
    private readonly db: Db,
    private readonly keep = REJECTED_KEEP,
  ) {}

  addEvent(e: Omit<InEventRow, 'id'>): void {
    this.db
      .prepare(
        `INSERT INTO dc09_in_events (account_id, home_id, seq, content, code, zone, mapped, event_id, message_at,
           received_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
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

  events(accountId: string, limit: number): InEventRow[] {
    return this.db
      .prepare(
        `SELECT id, account_id AS accountId, home_id AS homeId, seq, content, code, zone, mapped,
           event_id AS eventId, message_at AS messageAt, received_at AS receivedAt
         FROM dc09_in_events WHERE account_id = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(accountId, limit) as InEventRow[];
  }

  reject(r: Omit<RejectedRow, 'id'>): void {
    this.db.transaction(() => {
      const { id } = this.db
        .prepare(
          'INSERT INTO dc09_rejected (at, peer, transport, reason, answer, account, raw) VALUES (?,?,?,?,?,?,?) RETURNING id',
        )
        .get(r.at, r.peer, r.transport, r.reason, r.answer, r.account, r.raw) as { id: number };
      this.db.prepare('DELETE FROM dc09_rejected WHERE id <= ?').run(id - this.keep);
    })();
  }

  rejected(limit: number): RejectedRow[] {
    return this.db
      .prepare('SELECT * FROM dc09_rejected ORDER BY id DESC LIMIT ?')
      .all(limit) as RejectedRow[];
  }
}
