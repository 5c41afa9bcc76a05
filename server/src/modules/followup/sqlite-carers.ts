import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';

export interface InformalCarer {
  id: string;
  clientId: string;
  name: string;
  relation: string | null;
  position: number;
  /** Set once the carer accepted the invitation (their own account, role `informal_carer`). */
  userId: string | null;
  createdAt: number;
  acceptedAt: number | null;
}

const SELECT = `SELECT id, client_id AS clientId, name, relation, position, user_id AS userId,
  created_at AS createdAt, accepted_at AS acceptedAt FROM informal_carers`;

/**
 * A client's informal carers in the client's order, and their one-time invitations: only a hash
 * of the token is stored; it is burnt on first use and expires.
 */
export class SqliteCarers {
  constructor(private readonly db: Db) {}

  list(clientId: string): InformalCarer[] {
    return this.db
      .prepare(`${SELECT} WHERE client_id = ? AND removed_at IS NULL ORDER BY position, created_at`)
      .all(clientId) as InformalCarer[];
  }

  get(id: string): InformalCarer | undefined {
    return this.db.prepare(`${SELECT} WHERE id = ? AND removed_at IS NULL`).get(id) as
      | InformalCarer
      | undefined;
  }

  /** The carer records of one account (a person may be the carer of several clients). */
  ofUser(userId: string): InformalCarer[] {
    return this.db
      .prepare(`${SELECT} WHERE user_id = ? AND removed_at IS NULL ORDER BY created_at`)
      .all(userId) as InformalCarer[];
  }

  add(
    c: { clientId: string; name: string; relation: string | null; by: string },
    now: number,
  ): InformalCarer {
    const id = randomUUID();
    const max = this.db
      .prepare('SELECT MAX(position) AS p FROM informal_carers WHERE client_id = ? AND removed_at IS NULL')
      .get(c.clientId) as { p: number | null };
    this.db
      .prepare(
        `INSERT INTO informal_carers (id, client_id, name, relation, position, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, c.clientId, c.name, c.relation, (max.p ?? 0) + 1, now, c.by);
    return this.get(id)!;
  }

  /** Sets the order: `ids` must be exactly the client's current carers. False when they are not. */
  reorder(clientId: string, ids: readonly string[]): boolean {
    const current = this.list(clientId).map((c) => c.id);
    if (
      ids.length !== current.length ||
      new Set(ids).size !== ids.length ||
      ids.some((i) => !current.includes(i))
    )
      return false;
    const set = this.db.prepare('UPDATE informal_carers SET position = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [i, id] of ids.entries()) set.run(i + 1, id);
    })();
    return true;
  }

  remove(id: string, now: number): void {
    this.db.prepare('UPDATE informal_carers SET removed_at = ? WHERE id = ?').run(now, id);
    this.db
      .prepare('UPDATE carer_invitations SET used_at = ? WHERE carer_id = ? AND used_at IS NULL')
      .run(now, id);
  }

  /** A new invitation; earlier unused ones of the same carer stop working. */
  invite(carerId: string, tokenHash: string, by: string, now: number, expiresAt: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE carer_invitations SET used_at = ? WHERE carer_id = ? AND used_at IS NULL')
        .run(now, carerId);
      this.db
        .prepare(
          'INSERT INTO carer_invitations (token_hash, carer_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(tokenHash, carerId, now, by, expiresAt);
    })();
  }

  /** Burns an unused, unexpired invitation (atomically) and returns its carer; undefined otherwise. */
  redeem(tokenHash: string, now: number): InformalCarer | undefined {
    const r = this.db
      .prepare(
        `UPDATE carer_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
         RETURNING carer_id AS carerId`,
      )
      .get(now, tokenHash, now) as { carerId: string } | undefined;
    return r ? this.get(r.carerId) : undefined;
  }

  /** Whether an unused invitation of the carer is still open (until when), for the client's list. */
  openInvitation(carerId: string, now: number): number | null {
    const r = this.db
      .prepare(
        'SELECT MAX(expires_at) AS e FROM carer_invitations WHERE carer_id = ? AND used_at IS NULL AND expires_at > ?',
      )
      .get(carerId, now) as { e: number | null };
    return r.e;
  }

  linkUser(carerId: string, userId: string, now: number): void {
    this.db
      .prepare('UPDATE informal_carers SET user_id = ?, accepted_at = ? WHERE id = ?')
      .run(userId, now, carerId);
  }
}
