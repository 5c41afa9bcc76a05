import { randomUUID } from 'node:crypto';
import type { PgHandle } from '../../store/pg/pg-database.js';
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

const SELECT = `SELECT ${IN_ACCOUNT_COLUMNS} FROM dc09_in_accounts`;

/**
 * The PostgreSQL binding of {@link InAccounts} (pg migration 014). An account number is compared as
 * SQLite's `NOCASE` does (ASCII only: `lower()` under `"C"`); receiver and line match null to null
 * (`IS NOT DISTINCT FROM`, SQLite's `IS`).
 */
export class PgInAccounts implements InAccounts {
  constructor(
    private readonly db: PgHandle,
    private readonly box: SecretBox,
  ) {}

  async create(input: InAccountInput, now: number): Promise<InAccount> {
    const id = randomUUID();
    const key = sealedKey(this.box, inKeyAad(id), input.key);
    const r = await this.db.sql.query<InAccount>(
      `INSERT INTO dc09_in_accounts (id, home_id, gateway_id, receiver, line, account, key_sealed, key_bits,
         window_past_s, window_future_s, supervision_s, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING ${IN_ACCOUNT_COLUMNS}`,
      [
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
      ],
    );
    return r.rows[0]!;
  }

  async update(id: string, p: InAccountPatch, now: number): Promise<InAccount | null> {
    const key = p.key === undefined ? null : sealedKey(this.box, inKeyAad(id), p.key);
    const r = await this.db.sql.query<InAccount>(
      `UPDATE dc09_in_accounts SET window_past_s = coalesce($2, window_past_s),
         window_future_s = coalesce($3, window_future_s), supervision_s = coalesce($4, supervision_s),
         key_sealed = CASE WHEN $5 THEN $6 ELSE key_sealed END, key_bits = CASE WHEN $5 THEN $7 ELSE key_bits END,
         updated_at = $8 WHERE id = $1 RETURNING ${IN_ACCOUNT_COLUMNS}`,
      [
        id,
        p.windowPastS ?? null,
        p.windowFutureS ?? null,
        p.supervisionS ?? null,
        key !== null,
        key?.sealed ?? null,
        key?.bits ?? null,
        now,
      ],
    );
    return r.rows[0] ?? null;
  }

  async get(id: string): Promise<InAccount | null> {
    return (await this.db.sql.query<InAccount>(`${SELECT} WHERE id = $1`, [id])).rows[0] ?? null;
  }

  async all(): Promise<InAccount[]> {
    return (await this.db.sql.query<InAccount>(`${SELECT} ORDER BY created_at, id COLLATE "C"`)).rows;
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.db.sql.query('DELETE FROM dc09_in_accounts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async exists(account: string, receiver: string | null, line: string | null): Promise<boolean> {
    const r = await this.db.sql.query(
      `SELECT 1 FROM dc09_in_accounts WHERE account = $1 AND receiver IS NOT DISTINCT FROM $2
         AND line IS NOT DISTINCT FROM $3`,
      [account, receiver, line],
    );
    return r.rows.length > 0;
  }

  async find(
    account: string,
    receiver: string | undefined,
    line: string | undefined,
  ): Promise<InAccount | null> {
    const r = await this.db.sql.query<InAccount>(
      `${SELECT} WHERE lower(account COLLATE "C") = lower($1 COLLATE "C") ORDER BY created_at, id COLLATE "C"`,
      [account],
    );
    return pickInAccount(r.rows, receiver, line);
  }

  async key(id: string): Promise<Uint8Array | null> {
    const r = await this.db.sql.query<{ key_sealed: string | null }>(
      'SELECT key_sealed FROM dc09_in_accounts WHERE id = $1',
      [id],
    );
    const sealed = r.rows[0]?.key_sealed;
    return sealed ? this.box.open(inKeyAad(id), sealed) : null;
  }

  async isDuplicate(id: string, seq: number, digest: string, now: number): Promise<boolean> {
    const r = await this.db.sql.query<LastAccepted>(
      'SELECT last_seq, last_seq_at, last_digest FROM dc09_in_accounts WHERE id = $1',
      [id],
    );
    return isRepeat(r.rows[0], seq, digest, now);
  }

  async accepted(id: string, seq: number, digest: string, now: number): Promise<void> {
    await this.db.sql.query(
      'UPDATE dc09_in_accounts SET last_seq = $2, last_seq_at = $3, last_digest = $4 WHERE id = $1',
      [id, seq, now, digest],
    );
  }
}
