import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { type KeyBits, keyBits, type SecretBox } from './secret-box.js';

export type ContentFormat = 'ADM-CID' | 'SIA-DCS';
export type Transport = 'tcp' | 'udp';

/** A home's account at its alarm centre [docs/alarm-centre.md §Out]. The key never leaves as text. */
export interface OutAccount {
  id: string;
  homeId: string;
  receiver: string | null;
  line: string | null;
  account: string;
  keyBits: KeyBits | null;
  content: ContentFormat;
  /** Seconds between supervision `NULL` messages; 0 = none. */
  supervisionS: number;
  createdAt: number;
  updatedAt: number;
}

/** A centre's receiver; priority 0 is the primary, higher numbers the backups in order. */
export interface OutReceiver {
  id: string;
  accountId: string;
  priority: number;
  host: string;
  port: number;
  transport: Transport;
}

export interface OutAccountInput {
  receiver: string | null;
  line: string | null;
  account: string;
  /** The AES key in clear (16, 24 or 32 bytes), sealed before it is stored; null = plain DC-09. */
  key: Uint8Array | null;
  content: ContentFormat;
  supervisionS: number;
  receivers: Array<Omit<OutReceiver, 'id' | 'accountId' | 'priority'>>;
}

interface Row {
  id: string;
  home_id: string;
  receiver: string | null;
  line: string | null;
  account: string;
  key_sealed: string | null;
  key_bits: number | null;
  content: ContentFormat;
  supervision_s: number;
  next_seq: number;
  created_at: number;
  updated_at: number;
}

const toAccount = (r: Row): OutAccount => ({
  id: r.id,
  homeId: r.home_id,
  receiver: r.receiver,
  line: r.line,
  account: r.account,
  keyBits: r.key_bits as KeyBits | null,
  content: r.content,
  supervisionS: r.supervision_s,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** DC-09 sequence numbers run 0001…9999 and wrap to 0001 [DC09 SPEC]. */
export const nextSeq = (seq: number): number => (seq >= 9999 ? 1 : seq + 1);

/** Outbound accounts and their receivers (`dc09_out_accounts`, `dc09_out_receivers`). */
export class OutAccounts {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  /** Creates or replaces the home's account (and its receivers); keeps the sequence counter. */
  put(homeId: string, input: OutAccountInput, now: number): OutAccount {
    return this.db.transaction(() => {
      const old = this.db.prepare('SELECT * FROM dc09_out_accounts WHERE home_id = ?').get(homeId) as
        | Row
        | undefined;
      const id = old?.id ?? randomUUID();
      const sealed = input.key === null ? null : this.box.seal(`dc09-out/${id}`, input.key);
      this.db
        .prepare(
          `INSERT INTO dc09_out_accounts (id, home_id, receiver, line, account, key_sealed, key_bits, content,
             supervision_s, next_seq, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,1,?,?)
           ON CONFLICT (id) DO UPDATE SET receiver = excluded.receiver, line = excluded.line,
             account = excluded.account, key_sealed = excluded.key_sealed, key_bits = excluded.key_bits,
             content = excluded.content, supervision_s = excluded.supervision_s, updated_at = excluded.updated_at`,
        )
        .run(
          id,
          homeId,
          input.receiver,
          input.line,
          input.account,
          sealed,
          input.key === null ? null : keyBits(input.key),
          input.content,
          input.supervisionS,
          old?.created_at ?? now,
          now,
        );
      this.db.prepare('DELETE FROM dc09_out_receivers WHERE account_id = ?').run(id);
      const ins = this.db.prepare(
        'INSERT INTO dc09_out_receivers (id, account_id, priority, host, port, transport, created_at) VALUES (?,?,?,?,?,?,?)',
      );
      for (const [i, r] of input.receivers.entries())
        ins.run(randomUUID(), id, i, r.host, r.port, r.transport, now);
      return this.byHome(homeId)!;
    })();
  }

  byHome(homeId: string): OutAccount | null {
    const r = this.db.prepare('SELECT * FROM dc09_out_accounts WHERE home_id = ?').get(homeId) as
      | Row
      | undefined;
    return r ? toAccount(r) : null;
  }

  get(id: string): OutAccount | null {
    const r = this.db.prepare('SELECT * FROM dc09_out_accounts WHERE id = ?').get(id) as Row | undefined;
    return r ? toAccount(r) : null;
  }

  all(): OutAccount[] {
    return (this.db.prepare('SELECT * FROM dc09_out_accounts ORDER BY created_at, id').all() as Row[]).map(
      toAccount,
    );
  }

  remove(homeId: string): boolean {
    return this.db.prepare('DELETE FROM dc09_out_accounts WHERE home_id = ?').run(homeId).changes > 0;
  }

  receivers(accountId: string): OutReceiver[] {
    return this.db
      .prepare(
        `SELECT id, account_id AS accountId, priority, host, port, transport FROM dc09_out_receivers
         WHERE account_id = ? ORDER BY priority`,
      )
      .all(accountId) as OutReceiver[];
  }

  /** The account's AES key in clear, for the sender only; null for a plain account. */
  key(accountId: string): Uint8Array | null {
    const r = this.db.prepare('SELECT key_sealed FROM dc09_out_accounts WHERE id = ?').get(accountId) as
      | { key_sealed: string | null }
      | undefined;
    return r?.key_sealed ? this.box.open(`dc09-out/${accountId}`, r.key_sealed) : null;
  }

  /** Takes the account's next sequence number (call inside the enqueue transaction). */
  takeSeq(accountId: string): number {
    const r = this.db.prepare('SELECT next_seq FROM dc09_out_accounts WHERE id = ?').get(accountId) as {
      next_seq: number;
    };
    this.db
      .prepare('UPDATE dc09_out_accounts SET next_seq = ? WHERE id = ?')
      .run(nextSeq(r.next_seq), accountId);
    return r.next_seq;
  }
}
