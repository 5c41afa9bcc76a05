import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import {
  OUT_ACCOUNT_COLUMNS,
  OUT_RECEIVER_COLUMNS,
  type OutAccountRow,
  outKeyAad,
  sealedKey,
  toOutAccount,
} from './account-rows.js';
import type { OutAccount, OutAccountInput, OutAccounts, OutReceiver } from './out-account-store.js';
import type { SecretBox } from './secret-box.js';

export type {
  ContentFormat,
  OutAccount,
  OutAccountInput,
  OutAccounts,
  OutReceiver,
  Transport,
} from './out-account-store.js';
export { nextSeq } from './out-account-store.js';

const SELECT = `SELECT ${OUT_ACCOUNT_COLUMNS} FROM dc09_out_accounts`;
/** Takes the number and moves the counter on (0001…9999, then 0001) in one statement. */
const TAKE_SEQ = `UPDATE dc09_out_accounts SET next_seq = CASE WHEN next_seq >= 9999 THEN 1 ELSE next_seq + 1 END
  WHERE id = ? RETURNING CASE WHEN next_seq = 1 THEN 9999 ELSE next_seq - 1 END AS seq`;

/**
 * The SQLite binding of {@link OutAccounts} (migration 150), on the connection's shared handle or a
 * transaction's (the enqueuer's, inside an ingest turn).
 */
export class SqliteOutAccounts implements OutAccounts {
  private readonly h: SqliteHandle;
  constructor(
    db: Db | SqliteHandle,
    private readonly box: SecretBox,
  ) {
    this.h = asSqliteHandle(db);
  }

  put(homeId: string, input: OutAccountInput, now: number): Promise<OutAccount> {
    return this.h.run((db) =>
      db.transaction(() => {
        const old = db
          .prepare('SELECT id, created_at FROM dc09_out_accounts WHERE home_id = ?')
          .get(homeId) as { id: string; created_at: number } | undefined;
        const id = old?.id ?? randomUUID();
        const key = sealedKey(this.box, outKeyAad(id), input.key);
        db.prepare(
          `INSERT INTO dc09_out_accounts (id, home_id, receiver, line, account, key_sealed, key_bits, content,
             supervision_s, next_seq, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,1,?,?)
           ON CONFLICT (id) DO UPDATE SET receiver = excluded.receiver, line = excluded.line,
             account = excluded.account, key_sealed = excluded.key_sealed, key_bits = excluded.key_bits,
             content = excluded.content, supervision_s = excluded.supervision_s, updated_at = excluded.updated_at`,
        ).run(
          id,
          homeId,
          input.receiver,
          input.line,
          input.account,
          key.sealed,
          key.bits,
          input.content,
          input.supervisionS,
          old?.created_at ?? now,
          now,
        );
        db.prepare('DELETE FROM dc09_out_receivers WHERE account_id = ?').run(id);
        const ins = db.prepare(
          'INSERT INTO dc09_out_receivers (id, account_id, priority, host, port, transport, created_at) VALUES (?,?,?,?,?,?,?)',
        );
        for (const [i, r] of input.receivers.entries())
          ins.run(randomUUID(), id, i, r.host, r.port, r.transport, now);
        return toOutAccount(db.prepare(`${SELECT} WHERE id = ?`).get(id) as OutAccountRow);
      })(),
    );
  }

  byHome(homeId: string): Promise<OutAccount | null> {
    return this.h.run((db) => byHome(db, homeId));
  }

  byHomes(homeIds: readonly string[]): Promise<Map<string, OutAccount>> {
    return this.h.run((db) => {
      const out = new Map<string, OutAccount>();
      for (const homeId of new Set(homeIds)) {
        const a = byHome(db, homeId);
        if (a) out.set(homeId, a);
      }
      return out;
    });
  }

  get(id: string): Promise<OutAccount | null> {
    return this.h.run((db) => {
      const r = db.prepare(`${SELECT} WHERE id = ?`).get(id) as OutAccountRow | undefined;
      return r ? toOutAccount(r) : null;
    });
  }

  all(): Promise<OutAccount[]> {
    return this.h.run((db) =>
      (db.prepare(`${SELECT} ORDER BY created_at, id`).all() as OutAccountRow[]).map(toOutAccount),
    );
  }

  remove(homeId: string): Promise<boolean> {
    return this.h.run(
      (db) => db.prepare('DELETE FROM dc09_out_accounts WHERE home_id = ?').run(homeId).changes > 0,
    );
  }

  receivers(accountId: string): Promise<OutReceiver[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT ${OUT_RECEIVER_COLUMNS} FROM dc09_out_receivers WHERE account_id = ? ORDER BY priority`,
          )
          .all(accountId) as OutReceiver[],
    );
  }

  key(accountId: string): Promise<Uint8Array | null> {
    return this.h.run((db) => {
      const r = db.prepare('SELECT key_sealed FROM dc09_out_accounts WHERE id = ?').get(accountId) as
        | { key_sealed: string | null }
        | undefined;
      return r?.key_sealed ? this.box.open(outKeyAad(accountId), r.key_sealed) : null;
    });
  }

  takeSeq(accountId: string): Promise<number | null> {
    return this.h.run((db) => takeSeq(db, accountId));
  }
}

function byHome(db: Db, homeId: string): OutAccount | null {
  const r = db.prepare(`${SELECT} WHERE home_id = ?`).get(homeId) as OutAccountRow | undefined;
  return r ? toOutAccount(r) : null;
}

function takeSeq(db: Db, accountId: string): number | null {
  const r = db.prepare(TAKE_SEQ).get(accountId) as { seq: number } | undefined;
  return r?.seq ?? null;
}
