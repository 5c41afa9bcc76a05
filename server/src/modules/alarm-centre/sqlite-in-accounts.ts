import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import {
  IN_ACCOUNT_COLUMNS,
  inKeyAad,
  isRepeat,
  type LastAccepted,
  pickInAccount,
  sealedKey,
} from './account-rows.js';
import type { InAccount, InAccountInput, InAccountPatch, InAccounts } from './in-account-store.js';
import type { SecretBox } from './secret-box.js';

export type { InAccount, InAccountInput, InAccountPatch, InAccounts } from './in-account-store.js';
export { DUPLICATE_WINDOW_MS } from './in-account-store.js';

const SELECT = `SELECT ${IN_ACCOUNT_COLUMNS} FROM dc09_in_accounts`;

/**
 * The SQLite binding of {@link InAccounts} (migrations 150, 158), on the connection's shared handle
 * or a transaction's.
 */
export class SqliteInAccounts implements InAccounts {
  private readonly h: SqliteHandle;
  constructor(
    db: Db | SqliteHandle,
    private readonly box: SecretBox,
  ) {
    this.h = asSqliteHandle(db);
  }

  create(input: InAccountInput, now: number): Promise<InAccount> {
    return this.h.run((db) => {
      const id = randomUUID();
      const key = sealedKey(this.box, inKeyAad(id), input.key);
      db.prepare(
        `INSERT INTO dc09_in_accounts (id, home_id, gateway_id, receiver, line, account, key_sealed, key_bits,
           window_past_s, window_future_s, supervision_s, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      ).run(
        id,
        input.homeId,
        input.gatewayId,
        input.receiver,
        input.line,
        input.account,
        key.sealed,
        key.bits,
        input.windowPastS,
        input.windowFutureS,
        input.supervisionS,
        now,
        now,
      );
      return get(db, id)!;
    });
  }

  update(id: string, p: InAccountPatch, now: number): Promise<InAccount | null> {
    const key = p.key === undefined ? null : sealedKey(this.box, inKeyAad(id), p.key);
    return this.h.run((db) => {
      const changed = db
        .prepare(
          `UPDATE dc09_in_accounts SET window_past_s = coalesce(?, window_past_s),
             window_future_s = coalesce(?, window_future_s), supervision_s = coalesce(?, supervision_s),
             key_sealed = CASE WHEN ? THEN ? ELSE key_sealed END, key_bits = CASE WHEN ? THEN ? ELSE key_bits END,
             updated_at = ? WHERE id = ?`,
        )
        .run(
          p.windowPastS ?? null,
          p.windowFutureS ?? null,
          p.supervisionS ?? null,
          key ? 1 : 0,
          key?.sealed ?? null,
          key ? 1 : 0,
          key?.bits ?? null,
          now,
          id,
        ).changes;
      return changed === 0 ? null : get(db, id);
    });
  }

  get(id: string): Promise<InAccount | null> {
    return this.h.run((db) => get(db, id));
  }

  all(): Promise<InAccount[]> {
    return this.h.run((db) => db.prepare(`${SELECT} ORDER BY created_at, id`).all() as InAccount[]);
  }

  remove(id: string): Promise<boolean> {
    return this.h.run((db) => db.prepare('DELETE FROM dc09_in_accounts WHERE id = ?').run(id).changes > 0);
  }

  exists(account: string, receiver: string | null, line: string | null): Promise<boolean> {
    return this.h.run(
      (db) =>
        db
          .prepare('SELECT 1 FROM dc09_in_accounts WHERE account = ? AND receiver IS ? AND line IS ?')
          .get(account, receiver, line) !== undefined,
    );
  }

  find(account: string, receiver: string | undefined, line: string | undefined): Promise<InAccount | null> {
    return this.h.run((db) =>
      pickInAccount(
        db
          .prepare(`${SELECT} WHERE account = ? COLLATE NOCASE ORDER BY created_at, id`)
          .all(account) as InAccount[],
        receiver,
        line,
      ),
    );
  }

  key(id: string): Promise<Uint8Array | null> {
    return this.h.run((db) => {
      const r = db.prepare('SELECT key_sealed FROM dc09_in_accounts WHERE id = ?').get(id) as
        | { key_sealed: string | null }
        | undefined;
      return r?.key_sealed ? this.box.open(inKeyAad(id), r.key_sealed) : null;
    });
  }

  isDuplicate(id: string, seq: number, digest: string, now: number): Promise<boolean> {
    return this.h.run((db) => {
      const r = db
        .prepare('SELECT last_seq, last_seq_at, last_digest FROM dc09_in_accounts WHERE id = ?')
        .get(id) as LastAccepted | undefined;
      return isRepeat(r, seq, digest, now);
    });
  }

  accepted(id: string, seq: number, digest: string, now: number): Promise<void> {
    return this.h.run((db) => accepted(db, id, seq, digest, now));
  }
}

function get(db: Db, id: string): InAccount | null {
  return (db.prepare(`${SELECT} WHERE id = ?`).get(id) as InAccount | undefined) ?? null;
}

function accepted(db: Db, id: string, seq: number, digest: string, now: number): void {
  db.prepare('UPDATE dc09_in_accounts SET last_seq = ?, last_seq_at = ?, last_digest = ? WHERE id = ?').run(
    seq,
    now,
    digest,
    id,
  );
}
