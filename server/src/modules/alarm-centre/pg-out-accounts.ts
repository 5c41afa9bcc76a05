import { randomUUID } from 'node:crypto';
import type { PgHandle } from '../../store/pg/pg-database.js';
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

const SELECT = `SELECT ${OUT_ACCOUNT_COLUMNS} FROM dc09_out_accounts`;

/**
 * The PostgreSQL binding of {@link OutAccounts} (pg migration 013). {@link put} claims the home's
 * row first (`INSERT … ON CONFLICT (home_id)`, which holds it until the commit), so two at once for
 * one home leave one account; a sequence number is taken by one conditional `UPDATE … RETURNING`.
 */
export class PgOutAccounts implements OutAccounts {
  constructor(
    private readonly db: PgHandle,
    private readonly box: SecretBox,
  ) {}

  put(homeId: string, input: OutAccountInput, now: number): Promise<OutAccount> {
    return this.db.transaction(async (tx) => {
      // the row is the account's id for the key's binding; a new one starts as a plain account
      const claimed = await tx.sql.query<{ id: string }>(
        `INSERT INTO dc09_out_accounts (id, home_id, account, content, supervision_s, next_seq, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)
         ON CONFLICT (home_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id`,
        [randomUUID(), homeId, input.account, input.content, input.supervisionS, now],
      );
      const id = claimed.rows[0]!.id;
      const key = sealedKey(this.box, outKeyAad(id), input.key);
      const r = await tx.sql.query<OutAccountRow>(
        `UPDATE dc09_out_accounts SET receiver = $2, line = $3, account = $4, key_sealed = $5, key_bits = $6,
           content = $7, supervision_s = $8, updated_at = $9 WHERE id = $1 RETURNING ${OUT_ACCOUNT_COLUMNS}`,
        [
          id,
          input.receiver,
          input.line,
          input.account,
          key.sealed,
          key.bits,
          input.content,
          input.supervisionS,
          now,
        ],
      );
      await tx.sql.query('DELETE FROM dc09_out_receivers WHERE account_id = $1', [id]);
      for (const [i, rx] of input.receivers.entries())
        await tx.sql.query(
          `INSERT INTO dc09_out_receivers (id, account_id, priority, host, port, transport, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [randomUUID(), id, i, rx.host, rx.port, rx.transport, now],
        );
      return toOutAccount(r.rows[0]!);
    });
  }

  async byHome(homeId: string): Promise<OutAccount | null> {
    const r = await this.db.sql.query<OutAccountRow>(`${SELECT} WHERE home_id = $1`, [homeId]);
    return r.rows[0] ? toOutAccount(r.rows[0]) : null;
  }

  async byHomes(homeIds: readonly string[]): Promise<Map<string, OutAccount>> {
    const out = new Map<string, OutAccount>();
    if (homeIds.length === 0) return out;
    const r = await this.db.sql.query<OutAccountRow>(`${SELECT} WHERE home_id = ANY($1::text[])`, [
      [...new Set(homeIds)],
    ]);
    for (const row of r.rows) {
      const a = toOutAccount(row);
      out.set(a.homeId, a);
    }
    return out;
  }

  async get(id: string): Promise<OutAccount | null> {
    const r = await this.db.sql.query<OutAccountRow>(`${SELECT} WHERE id = $1`, [id]);
    return r.rows[0] ? toOutAccount(r.rows[0]) : null;
  }

  async all(): Promise<OutAccount[]> {
    const r = await this.db.sql.query<OutAccountRow>(`${SELECT} ORDER BY created_at, id COLLATE "C"`);
    return r.rows.map(toOutAccount);
  }

  async remove(homeId: string): Promise<boolean> {
    const r = await this.db.sql.query('DELETE FROM dc09_out_accounts WHERE home_id = $1', [homeId]);
    return (r.rowCount ?? 0) > 0;
  }

  async receivers(accountId: string): Promise<OutReceiver[]> {
    const r = await this.db.sql.query<OutReceiver>(
      `SELECT ${OUT_RECEIVER_COLUMNS} FROM dc09_out_receivers WHERE account_id = $1 ORDER BY priority`,
      [accountId],
    );
    return r.rows;
  }

  async key(accountId: string): Promise<Uint8Array | null> {
    const r = await this.db.sql.query<{ key_sealed: string | null }>(
      'SELECT key_sealed FROM dc09_out_accounts WHERE id = $1',
      [accountId],
    );
    const sealed = r.rows[0]?.key_sealed;
    return sealed ? this.box.open(outKeyAad(accountId), sealed) : null;
  }

  async takeSeq(accountId: string): Promise<number | null> {
    // RETURNING sees the new counter: the number taken is the one before it
    const r = await this.db.sql.query<{ seq: number }>(
      `UPDATE dc09_out_accounts SET next_seq = CASE WHEN next_seq >= 9999 THEN 1 ELSE next_seq + 1 END
       WHERE id = $1 RETURNING CASE WHEN next_seq = 1 THEN 9999 ELSE next_seq - 1 END AS seq`,
      [accountId],
    );
    return r.rows[0]?.seq ?? null;
  }
}
