import type { Db } from '../../store/database.js';
import type { ContentFormat } from './sqlite-out-accounts.js';

/** `pending` until the centre's ACK (`delivered`) or its DUH (`refused`: it will not take it). */
export type DeliveryState = 'pending' | 'delivered' | 'refused';

/** One message for the alarm centre, persisted from the moment its cause is committed. */
export interface OutboxEntry {
  id: number;
  accountId: string;
  homeId: string;
  /** What caused it, unique per account (`event:<id>`, `incident:<id>:opened`): enqueueing is idempotent. */
  sourceKey: string;
  eventId: string | null;
  /** Baken's name for it (`pendant/alarm`, `gateway/offline`). */
  kind: string;
  /** The DC-09 sequence number, fixed at enqueue: a re-send after a restart repeats it. */
  seq: number;
  content: ContentFormat;
  /** The message data inside `[…]`, from the codec's event mapping. */
  data: string;
  state: DeliveryState;
  attempts: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  receiverId: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

const SELECT = `SELECT id, account_id AS accountId, home_id AS homeId, source_key AS sourceKey,
  event_id AS eventId, kind, seq, content, data, state, attempts, last_attempt_at AS lastAttemptAt,
  last_error AS lastError, receiver_id AS receiverId, created_at AS createdAt, delivered_at AS deliveredAt
  FROM dc09_outbox`;

export type NewOutboxEntry = Pick<
  OutboxEntry,
  'accountId' | 'homeId' | 'sourceKey' | 'eventId' | 'kind' | 'seq' | 'content' | 'data' | 'createdAt'
>;

/** The persisted outbound queue (`dc09_outbox`). */
export class Outbox {
  constructor(private readonly db: Db) {}

  /** True when a message with this source key is already queued (or sent) for the account. */
  has(accountId: string, sourceKey: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM dc09_outbox WHERE account_id = ? AND source_key = ?')
        .get(accountId, sourceKey) !== undefined
    );
  }

  /** The message queued for this cause, if any. */
  bySource(accountId: string, sourceKey: string): OutboxEntry | undefined {
    return this.db.prepare(`${SELECT} WHERE account_id = ? AND source_key = ?`).get(accountId, sourceKey) as
      | OutboxEntry
      | undefined;
  }

  /** The kind of the home's latest message among `kinds`, or null when none was queued. */
  latestKind(homeId: string, kinds: readonly string[]): string | null {
    const r = this.db
      .prepare(
        `SELECT kind FROM dc09_outbox WHERE home_id = ? AND kind IN (${kinds.map(() => '?').join(',')})
         ORDER BY id DESC LIMIT 1`,
      )
      .get(homeId, ...kinds) as { kind: string } | undefined;
    return r?.kind ?? null;
  }

  add(e: NewOutboxEntry): number {
    const r = this.db
      .prepare(
        `INSERT INTO dc09_outbox (account_id, home_id, source_key, event_id, kind, seq, content, data, state,
           created_at) VALUES (?,?,?,?,?,?,?,?,'pending',?)`,
      )
      .run(e.accountId, e.homeId, e.sourceKey, e.eventId, e.kind, e.seq, e.content, e.data, e.createdAt);
    return Number(r.lastInsertRowid);
  }

  /** The oldest pending message of the account: the centre gets them in order. */
  nextPending(accountId: string): OutboxEntry | undefined {
    return this.db
      .prepare(`${SELECT} WHERE state = 'pending' AND account_id = ? ORDER BY id LIMIT 1`)
      .get(accountId) as OutboxEntry | undefined;
  }

  get(id: number): OutboxEntry | undefined {
    return this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as OutboxEntry | undefined;
  }

  attempted(id: number, at: number, error: string | null, receiverId: string): void {
    this.db
      .prepare(
        'UPDATE dc09_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, receiver_id = ? WHERE id = ?',
      )
      .run(at, error, receiverId, id);
  }

  /** The centre answered: `delivered` on ACK, `refused` on DUH. Only a pending entry moves. */
  settle(
    id: number,
    state: 'delivered' | 'refused',
    at: number,
    receiverId: string,
    note: string | null,
  ): void {
    this.db
      .prepare(
        `UPDATE dc09_outbox SET state = ?, delivered_at = ?, receiver_id = ?, last_error = ?
         WHERE id = ? AND state = 'pending'`,
      )
      .run(state, state === 'delivered' ? at : null, receiverId, note, id);
  }

  /** The latest messages of a home, newest first. */
  ofHome(homeId: string, limit: number): OutboxEntry[] {
    return this.db
      .prepare(`${SELECT} WHERE home_id = ? ORDER BY id DESC LIMIT ?`)
      .all(homeId, limit) as OutboxEntry[];
  }

  /** The messages caused by these events (the alarm cards' delivery state). */
  ofEvents(eventIds: readonly string[]): OutboxEntry[] {
    if (eventIds.length === 0) return [];
    return this.db
      .prepare(`${SELECT} WHERE event_id IN (${eventIds.map(() => '?').join(',')}) ORDER BY id`)
      .all(...eventIds) as OutboxEntry[];
  }

  pendingOf(accountId: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending' AND account_id = ?")
        .get(accountId) as { n: number }
    ).n;
  }

  countPending(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM dc09_outbox WHERE state = 'pending'").get() as { n: number }
    ).n;
  }
}
