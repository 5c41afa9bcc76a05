import type { Db } from '../../store/database.js';
import type { AuditCountFilter, AuditEntry, AuditLink, AuditListFilter, AuditStore } from './audit-store.js';

interface Row {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: Row): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The SQLite binding of {@link AuditStore}; triggers (migration 050) refuse updates and unguarded deletes. */
export class SqliteAuditStore implements AuditStore {
  constructor(private readonly db: Db) {}

  head(): AuditLink | undefined {
    return this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      | AuditLink
      | undefined;
  }

  lastCheckpoint(): AuditLink | null {
    const r = this.db
      .prepare('SELECT through_seq AS seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1')
      .get() as AuditLink | undefined;
    return r ?? null;
  }

  insert(e: AuditEntry): void {
    this.db
      .prepare(
        'INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)',
      )
      .run(e.seq, e.at, e.actor, e.action, e.subject, JSON.stringify(e.details), e.prevHash, e.hash);
  }

  list(filter: AuditListFilter): AuditEntry[] {
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
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toEntry);
  }

  *iterate(): Iterable<AuditEntry> {
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<Row>) {
      yield toEntry(row);
    }
  }

  lastPurgeable(cutoff: number): AuditLink | undefined {
    return this.db
      .prepare(
        'SELECT seq, hash FROM audit_log WHERE at < ? AND seq < (SELECT MAX(seq) FROM audit_log) ORDER BY seq DESC LIMIT 1',
      )
      .get(cutoff) as AuditLink | undefined;
  }

  deleteThrough(throughSeq: number): number {
    return this.transaction(() => {
      this.db.prepare('UPDATE audit_purge_guard SET active = 1 WHERE id = 1').run();
      const res = this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(throughSeq);
      this.db.prepare('UPDATE audit_purge_guard SET active = 0 WHERE id = 1').run();
      return res.changes;
    });
  }

  addCheckpoint(at: number, throughSeq: number, hash: string): void {
    this.db
      .prepare('INSERT INTO audit_checkpoints (at, through_seq, hash) VALUES (?, ?, ?)')
      .run(at, throughSeq, hash);
  }

  count(f: AuditCountFilter): number {
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
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where.join(' AND ')}`).get(...args) as {
        n: number;
      }
    ).n;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
