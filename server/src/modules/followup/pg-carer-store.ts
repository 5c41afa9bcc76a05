import { randomUUID } from 'node:crypto';
import type { PgHandle, Sql } from '../../store/pg/pg-database.js';
import type { CarerStore, InformalCarer } from './carer-store.js';

const SELECT = `SELECT id, client_id AS "clientId", name, relation, position, user_id AS "userId",
  created_at AS "createdAt", accepted_at AS "acceptedAt" FROM informal_carers`;

const getOf = async (sql: Sql, id: string): Promise<InformalCarer | undefined> =>
  (await sql.query<InformalCarer>(`${SELECT} WHERE id = $1 AND removed_at IS NULL`, [id])).rows[0];

/**
 * The PostgreSQL binding of {@link CarerStore} (pg migration 012). Adding and reordering lock the
 * client's carers (`FOR UPDATE`) so two at once do not hand out the same position.
 */
export class PgCarerStore implements CarerStore {
  constructor(private readonly db: PgHandle) {}

  async list(clientId: string): Promise<InformalCarer[]> {
    const r = await this.db.sql.query<InformalCarer>(
      `${SELECT} WHERE client_id = $1 AND removed_at IS NULL ORDER BY position, created_at, id COLLATE "C"`,
      [clientId],
    );
    return r.rows;
  }

  get(id: string): Promise<InformalCarer | undefined> {
    return getOf(this.db.sql, id);
  }

  async ofUser(userId: string): Promise<InformalCarer[]> {
    const r = await this.db.sql.query<InformalCarer>(
      `${SELECT} WHERE user_id = $1 AND removed_at IS NULL ORDER BY created_at, id COLLATE "C"`,
      [userId],
    );
    return r.rows;
  }

  add(
    c: { clientId: string; name: string; relation: string | null; by: string },
    now: number,
  ): Promise<InformalCarer> {
    return this.db.transaction(async (tx) => {
      // the client row is the lock: carers added at once for one client queue here
      await tx.sql.query('SELECT 1 FROM clients WHERE id = $1 FOR UPDATE', [c.clientId]);
      const id = randomUUID();
      await tx.sql.query(
        `INSERT INTO informal_carers (id, client_id, name, relation, position, created_at, created_by)
         SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 1, $5, $6
         FROM informal_carers WHERE client_id = $2 AND removed_at IS NULL`,
        [id, c.clientId, c.name, c.relation, now, c.by],
      );
      return (await getOf(tx.sql, id))!;
    });
  }

  reorder(clientId: string, ids: readonly string[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.sql.query('SELECT 1 FROM clients WHERE id = $1 FOR UPDATE', [clientId]);
      const current = (await new PgCarerStore(tx).list(clientId)).map((c) => c.id);
      if (
        ids.length !== current.length ||
        new Set(ids).size !== ids.length ||
        ids.some((i) => !current.includes(i))
      )
        return false;
      await tx.sql.query(
        `UPDATE informal_carers c SET position = o.n FROM unnest($1::text[]) WITH ORDINALITY AS o(id, n)
         WHERE c.id = o.id`,
        [[...ids]],
      );
      return true;
    });
  }

  remove(id: string, now: number): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.sql.query('UPDATE informal_carers SET removed_at = $1 WHERE id = $2', [now, id]);
      await tx.sql.query(
        'UPDATE carer_invitations SET used_at = $1 WHERE carer_id = $2 AND used_at IS NULL',
        [now, id],
      );
    });
  }

  invite(carerId: string, tokenHash: string, by: string, now: number, expiresAt: number): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.sql.query(
        'UPDATE carer_invitations SET used_at = $1 WHERE carer_id = $2 AND used_at IS NULL',
        [now, carerId],
      );
      await tx.sql.query(
        'INSERT INTO carer_invitations (token_hash, carer_id, created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [tokenHash, carerId, now, by, expiresAt],
      );
    });
  }

  async redeem(tokenHash: string, now: number): Promise<InformalCarer | undefined> {
    const r = await this.db.sql.query<{ carerId: string }>(
      `UPDATE carer_invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
       RETURNING carer_id AS "carerId"`,
      [now, tokenHash],
    );
    return r.rows[0] ? getOf(this.db.sql, r.rows[0].carerId) : undefined;
  }

  async openInvitation(carerId: string, now: number): Promise<number | null> {
    const r = await this.db.sql.query<{ e: number | null }>(
      'SELECT MAX(expires_at) AS e FROM carer_invitations WHERE carer_id = $1 AND used_at IS NULL AND expires_at > $2',
      [carerId, now],
    );
    return r.rows[0]?.e ?? null;
  }

  async linkUser(carerId: string, userId: string, now: number): Promise<void> {
    await this.db.sql.query('UPDATE informal_carers SET user_id = $1, accepted_at = $2 WHERE id = $3', [
      userId,
      now,
      carerId,
    ]);
  }
}
