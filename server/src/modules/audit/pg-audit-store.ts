import type { PgHandle } from '../../store/pg/pg-database.js';
import { type AuditRow, toEntry } from './audit-rows.js';
import type { AuditCountFilter, AuditEntry, AuditLink, AuditListFilter, AuditStore } from './audit-store.js';

/**
 * Key of the transaction-scoped advisory lock that serialises appends to the chain ("baken" 10).
 * Every appender of every instance takes it before reading the head, so the head it reads is the
 * head when it commits. An advisory lock, not a row lock: nothing to create or keep, and
 * PostgreSQL releases it at commit or rollback, so it is never left held. The statement reading
 * the head comes after the lock and READ COMMITTED gives each statement a fresh snapshot, so it
 * sees the entry the previous holder committed. `seq` is the primary key as well: were the lock
 * ever skipped, a second entry with the same seq is refused instead of forking the chain.
 */
const CHAIN_LOCK = 0x62616b656e0a;

/** The PostgreSQL binding of {@link AuditStore} (migration `010-audit`: append-only by trigger). */
export class PgAuditStore implements AuditStore {
  constructor(private readonly db: PgHandle) {}

  async head(): Promise<AuditLink | undefined> {
    const r = await this.db.sql.query<AuditLink>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return r.rows[0];
  }

  async lastCheckpoint(): Promise<AuditLink | null> {
    const r = await this.db.sql.query<AuditLink>(
      'SELECT through_seq AS seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
    );
    return r.rows[0] ?? null;
  }

  async lockChain(): Promise<void> {
    await this.db.sql.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  }

  async insert(e: AuditEntry): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.seq, e.at, e.actor, e.action, e.subject, JSON.stringify(e.details), e.prevHash, e.hash],
    );
  }

  async list(filter: AuditListFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (filter.subject !== undefined) where.push(`subject = ${arg(filter.subject)}`);
    if (filter.action !== undefined) where.push(`action = ${arg(filter.action)}`);
    if (filter.sinceSeq !== undefined) where.push(`seq > ${arg(filter.sinceSeq)}`);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ${arg(filter.limit)}`;
    return (await this.db.sql.query<AuditRow>(sql, args)).rows.map(toEntry);
  }

  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const r = await this.db.sql.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    );
    return r.rows.map(toEntry);
  }

  async lastPurgeable(cutoff: number): Promise<AuditLink | undefined> {
    const r = await this.db.sql.query<AuditLink>(
      `SELECT seq, hash FROM audit_log WHERE at < $1 AND seq < (SELECT MAX(seq) FROM audit_log)
       ORDER BY seq DESC LIMIT 1`,
      [cutoff],
    );
    return r.rows[0];
  }

  deleteThrough(throughSeq: number): Promise<number> {
    // The guard is set and cleared inside this transaction: no other transaction ever sees it set.
    return this.db.transaction(async (tx) => {
      await tx.sql.query('UPDATE audit_purge_guard SET active = TRUE WHERE id = 1');
      const res = await tx.sql.query('DELETE FROM audit_log WHERE seq <= $1', [throughSeq]);
      await tx.sql.query('UPDATE audit_purge_guard SET active = FALSE WHERE id = 1');
      return res.rowCount ?? 0;
    });
  }

  async addCheckpoint(at: number, throughSeq: number, hash: string): Promise<void> {
    await this.db.sql.query('INSERT INTO audit_checkpoints (at, through_seq, hash) VALUES ($1, $2, $3)', [
      at,
      throughSeq,
      hash,
    ]);
  }

  async count(f: AuditCountFilter): Promise<number> {
    const args: unknown[] = [f.action, f.since];
    const where = ['action = $1', 'at > $2'];
    if (f.actor !== undefined) {
      args.push(f.actor);
      where.push(`actor = $${args.length}`);
    }
    if (f.subject !== undefined) {
      args.push(f.subject);
      where.push(`subject = $${args.length}`);
    }
    const r = await this.db.sql.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_log WHERE ${where.join(' AND ')}`,
      args,
    );
    return r.rows[0]!.n;
  }

  transaction<T>(fn: (tx: AuditStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgAuditStore(tx)));
  }
}
