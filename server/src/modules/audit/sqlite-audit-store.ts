import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import { type AuditRow, toEntry } from './audit-rows.js';
import type { AuditCountFilter, AuditEntry, AuditLink, AuditListFilter, AuditStore } from './audit-store.js';

/**
 * The SQLite binding of {@link AuditStore}; triggers (migration 050) refuse updates and unguarded
 * deletes. Transactions of one connection run one at a time (`store/sqlite-async.ts`), so an
 * append's head is current without a lock.
 */
export class SqliteAuditStore implements AuditStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  head(): Promise<AuditLink | undefined> {
    return this.h.run(
      (db) =>
        db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
          | AuditLink
          | undefined,
    );
  }

  lastCheckpoint(): Promise<AuditLink | null> {
    return this.h.run(
      (db) =>
        (db
          .prepare('SELECT through_seq AS seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1')
          .get() as AuditLink | undefined) ?? null,
    );
  }

  async lockChain(): Promise<void> {}

  insert(e: AuditEntry): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        'INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)',
      ).run(e.seq, e.at, e.actor, e.action, e.subject, JSON.stringify(e.details), e.prevHash, e.hash);
    });
  }

  list(filter: AuditListFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.subject !== undefined) {
      where.push('subject = ?');
      args.push(filter.subject);
    }
    if (filter.action !== undefined) {
      where.push('action = ?');
      args.push(filter.action);
    }
    if (filter.sinceSeq !== undefined) {
      where.push('seq > ?');
      args.push(filter.sinceSeq);
    }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    return this.h.run((db) => (db.prepare(sql).all(...args, filter.limit) as AuditRow[]).map(toEntry));
  }

  page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.h.run((db) =>
      (
        db
          .prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?')
          .all(afterSeq, limit) as AuditRow[]
      ).map(toEntry),
    );
  }

  lastPurgeable(cutoff: number): Promise<AuditLink | undefined> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            'SELECT seq, hash FROM audit_log WHERE at < ? AND seq < (SELECT MAX(seq) FROM audit_log) ORDER BY seq DESC LIMIT 1',
          )
          .get(cutoff) as AuditLink | undefined,
    );
  }

  deleteThrough(throughSeq: number): Promise<number> {
    return this.h.run((db) =>
      db.transaction(() => {
        db.prepare('UPDATE audit_purge_guard SET active = 1 WHERE id = 1').run();
        const res = db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(throughSeq);
        db.prepare('UPDATE audit_purge_guard SET active = 0 WHERE id = 1').run();
        return res.changes;
      })(),
    );
  }

  addCheckpoint(at: number, throughSeq: number, hash: string): Promise<void> {
    return this.h.run((db) => {
      db.prepare('INSERT INTO audit_checkpoints (at, through_seq, hash) VALUES (?, ?, ?)').run(
        at,
        throughSeq,
        hash,
      );
    });
  }

  count(f: AuditCountFilter): Promise<number> {
    const where = ['action = ?', 'at > ?'];
    const args: unknown[] = [f.action, f.since];
    if (f.actor !== undefined) {
      where.push('actor = ?');
      args.push(f.actor);
    }
    if (f.subject !== undefined) {
      where.push('subject = ?');
      args.push(f.subject);
    }
    return this.h.run(
      (db) =>
        (
          db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where.join(' AND ')}`).get(...args) as {
            n: number;
          }
        ).n,
    );
  }

  transaction<T>(fn: (tx: AuditStore) => Promise<T>): Promise<T> {
    return this.h.transaction((tx) => fn(new SqliteAuditStore(tx)));
  }
}
