import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import type { CarerStore, InformalCarer } from './carer-store.js';

export type { InformalCarer } from './carer-store.js';

const SELECT = `SELECT id, client_id AS clientId, name, relation, position, user_id AS userId,
  created_at AS createdAt, accepted_at AS acceptedAt FROM informal_carers`;

/** The SQLite binding of {@link CarerStore} (migration 170). */
export class SqliteCarers implements CarerStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  list(clientId: string): Promise<InformalCarer[]> {
    return this.h.run((db) => listOf(db, clientId));
  }

  get(id: string): Promise<InformalCarer | undefined> {
    return this.h.run((db) => getOf(db, id));
  }

  ofUser(userId: string): Promise<InformalCarer[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(`${SELECT} WHERE user_id = ? AND removed_at IS NULL ORDER BY created_at, id`)
          .all(userId) as InformalCarer[],
    );
  }

  add(
    c: { clientId: string; name: string; relation: string | null; by: string },
    now: number,
  ): Promise<InformalCarer> {
    return this.h.run((db) =>
      db.transaction(() => {
        const id = randomUUID();
        const max = db
          .prepare(
            'SELECT MAX(position) AS p FROM informal_carers WHERE client_id = ? AND removed_at IS NULL',
          )
          .get(c.clientId) as { p: number | null };
        db.prepare(
          `INSERT INTO informal_carers (id, client_id, name, relation, position, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(id, c.clientId, c.name, c.relation, (max.p ?? 0) + 1, now, c.by);
        return getOf(db, id)!;
      })(),
    );
  }

  reorder(clientId: string, ids: readonly string[]): Promise<boolean> {
    return this.h.run((db) =>
      db.transaction(() => {
        const current = listOf(db, clientId).map((c) => c.id);
        if (
          ids.length !== current.length ||
          new Set(ids).size !== ids.length ||
          ids.some((i) => !current.includes(i))
        )
          return false;
        const set = db.prepare('UPDATE informal_carers SET position = ? WHERE id = ?');
        for (const [i, id] of ids.entries()) set.run(i + 1, id);
        return true;
      })(),
    );
  }

  remove(id: string, now: number): Promise<void> {
    return this.h.run((db) =>
      db.transaction(() => {
        db.prepare('UPDATE informal_carers SET removed_at = ? WHERE id = ?').run(now, id);
        db.prepare('UPDATE carer_invitations SET used_at = ? WHERE carer_id = ? AND used_at IS NULL').run(
          now,
          id,
        );
      })(),
    );
  }

  invite(carerId: string, tokenHash: string, by: string, now: number, expiresAt: number): Promise<void> {
    return this.h.run((db) =>
      db.transaction(() => {
        db.prepare('UPDATE carer_invitations SET used_at = ? WHERE carer_id = ? AND used_at IS NULL').run(
          now,
          carerId,
        );
        db.prepare(
          'INSERT INTO carer_invitations (token_hash, carer_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)',
        ).run(tokenHash, carerId, now, by, expiresAt);
      })(),
    );
  }

  redeem(tokenHash: string, now: number): Promise<InformalCarer | undefined> {
    return this.h.run((db) => {
      const r = db
        .prepare(
          `UPDATE carer_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
           RETURNING carer_id AS carerId`,
        )
        .get(now, tokenHash, now) as { carerId: string } | undefined;
      return r ? getOf(db, r.carerId) : undefined;
    });
  }

  openInvitation(carerId: string, now: number): Promise<number | null> {
    return this.h.run(
      (db) =>
        (
          db
            .prepare(
              'SELECT MAX(expires_at) AS e FROM carer_invitations WHERE carer_id = ? AND used_at IS NULL AND expires_at > ?',
            )
            .get(carerId, now) as { e: number | null }
        ).e,
    );
  }

  linkUser(carerId: string, userId: string, now: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE informal_carers SET user_id = ?, accepted_at = ? WHERE id = ?').run(
        userId,
        now,
        carerId,
      );
    });
  }
}

const listOf = (db: Db, clientId: string): InformalCarer[] =>
  db
    .prepare(`${SELECT} WHERE client_id = ? AND removed_at IS NULL ORDER BY position, created_at, id`)
    .all(clientId) as InformalCarer[];
const getOf = (db: Db, id: string): InformalCarer | undefined =>
  db.prepare(`${SELECT} WHERE id = ? AND removed_at IS NULL`).get(id) as InformalCarer | undefined;
