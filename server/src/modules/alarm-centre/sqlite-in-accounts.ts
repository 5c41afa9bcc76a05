import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { type KeyBits, keyBits, type SecretBox } from './secret-box.js';

/**
 * A third-party home unit that reports to Baken's DC-09 receiver [docs/alarm-centre.md §In]. It is
 * a home unit like Baken's own: `gatewayId` names it in events, health and incidents.
 */
export interface InAccount {
  id: string;
  homeId: string;
  gatewayId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  keyBits: KeyBits | null;
  /** The accepted timestamp window around our clock [DC09 SPEC §5]. */
  windowPastS: number;
  windowFutureS: number;
  /** The unit's supervision/test interval: silent longer than this (with grace) is an incident. */
  supervisionS: number;
  createdAt: number;
}

export interface InAccountInput {
  homeId: string;
  gatewayId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  key: Uint8Array | null;
  windowPastS: number;
  windowFutureS: number;
  supervisionS: number;
}

const SELECT = `SELECT id, home_id AS homeId, gateway_id AS gatewayId, receiver, line, account,
  key_bits AS keyBits, window_past_s AS windowPastS, window_future_s AS windowFutureS,
  supervision_s AS supervisionS, created_at AS createdAt FROM dc09_in_accounts`;

/** How long a sequence number counts as "just seen": a repeat within it is a retransmission. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Inbound accounts (`dc09_in_accounts`), keyed by account number and optional receiver/line. */
export class InAccounts {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  create(input: InAccountInput, now: number): InAccount {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO dc09_in_accounts (id, home_id, gateway_id, receiver, line, account, key_sealed, key_bits,
           window_past_s, window_future_s, supervision_s, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        id,
        input.homeId,
        input.gatewayId,
        input.receiver,
        input.line,
        input.account,
        input.key === null ? null : this.box.seal(`dc09-in/${id}`, input.key),
        input.key === null ? null : keyBits(input.key),
        input.windowPastS,
        input.windowFutureS,
        input.supervisionS,
        now,
        now,
      );
    return this.get(id)!;
  }

  /** Changes the key (null: plain), the timestamp window or the supervision interval. */
  update(
    id: string,
    p: { key?: Uint8Array | null; windowPastS?: number; windowFutureS?: number; supervisionS?: number },
    now: number,
  ): InAccount | null {
    const a = this.get(id);
    if (!a) return null;
    return this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE dc09_in_accounts SET window_past_s = ?, window_future_s = ?, supervision_s = ?, updated_at = ? WHERE id = ?',
        )
        .run(
          p.windowPastS ?? a.windowPastS,
          p.windowFutureS ?? a.windowFutureS,
          p.supervisionS ?? a.supervisionS,
          now,
          id,
        );
      if (p.key !== undefined)
        this.db
          .prepare('UPDATE dc09_in_accounts SET key_sealed = ?, key_bits = ? WHERE id = ?')
          .run(
            p.key === null ? null : this.box.seal(`dc09-in/${id}`, p.key),
            p.key === null ? null : keyBits(p.key),
            id,
          );
      return this.get(id);
    })();
  }

  get(id: string): InAccount | null {
    return (this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as InAccount | undefined) ?? null;
  }

  all(): InAccount[] {
    return this.db.prepare(`${SELECT} ORDER BY created_at, id`).all() as InAccount[];
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM dc09_in_accounts WHERE id = ?').run(id).changes > 0;
  }

  /** Whether an account with this number (and receiver/line) exists already. */
  exists(account: string, receiver: string | null, line: string | null): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM dc09_in_accounts WHERE account = ? AND receiver IS ? AND line IS ?')
        .get(account, receiver, line) !== undefined
    );
  }

  /**
   * The account a frame names: the exact receiver/line match first, else one registered without
   * receiver or line (panels differ in which prefixes they send) [DC09 SPEC §2.4].
   */
  find(account: string, receiver: string | undefined, line: string | undefined): InAccount | null {
    const rows = this.db.prepare(`${SELECT} WHERE account = ? COLLATE NOCASE`).all(account) as InAccount[];
    const eq = (a: string | null, b: string | undefined) =>
      a === null || (b !== undefined && a.toUpperCase() === b.toUpperCase());
    const exact = rows.find(
      (r) =>
        r.receiver?.toUpperCase() === receiver?.toUpperCase() &&
        r.line?.toUpperCase() === line?.toUpperCase(),
    );
    return exact ?? rows.find((r) => eq(r.receiver, receiver) && eq(r.line, line)) ?? null;
  }

  key(id: string): Uint8Array | null {
    const r = this.db.prepare('SELECT key_sealed FROM dc09_in_accounts WHERE id = ?').get(id) as
      | { key_sealed: string | null }
      | undefined;
    return r?.key_sealed ? this.box.open(`dc09-in/${id}`, r.key_sealed) : null;
  }

  /**
   * True when the message repeats the account's last accepted one within the duplicate window: the
   * same sequence number and the same content (`digest` of token and data). A new message under a
   * reused sequence number is not a repeat.
   */
  isDuplicate(id: string, seq: number, digest: string, now: number): boolean {
    const r = this.db
      .prepare('SELECT last_seq, last_seq_at, last_digest FROM dc09_in_accounts WHERE id = ?')
      .get(id) as
      | { last_seq: number | null; last_seq_at: number | null; last_digest: string | null }
      | undefined;
    return (
      r?.last_seq === seq &&
      r.last_digest === digest &&
      r.last_seq_at !== null &&
      now - r.last_seq_at <= DUPLICATE_WINDOW_MS
    );
  }

  accepted(id: string, seq: number, digest: string, now: number): void {
    this.db
      .prepare('UPDATE dc09_in_accounts SET last_seq = ?, last_seq_at = ?, last_digest = ? WHERE id = ?')
      .run(seq, now, digest, id);
  }
}
