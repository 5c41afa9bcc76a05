import type { Db } from '../../store/database.js';
import { AUDIT_GENESIS_HASH, type AuditEntryBody, auditEntryHash } from './canonical.js';

export interface AuditEntry extends AuditEntryBody {
  hash: string;
}

export interface NewAuditEntry {
  at: number;
  /** `user:<id>`, `system`, `device:<id>`, `gateway:<id>`. */
  actor: string;
  /** Dotted verb, e.g. `access.request`, `access.refused`, `keysafe.door_opened`, `audit.purged`. */
  action: string;
  /** What it is about, e.g. `home:<id>`, `keysafe:<id>`, `user:<id>`. */
  subject: string;
  /** Never secrets (codes, keys): callers pass identifiers and outcomes only. */
  details?: Record<string, unknown>;
}

export type AuditBreakProblem = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'checkpoint_mismatch';

export type AuditVerifyResult =
  | { ok: true; entries: number; firstSeq: number | null; lastSeq: number | null; headHash: string }
  | { ok: false; entries: number; firstBrokenSeq: number; problem: AuditBreakProblem; message: string };

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

/**
 * The append-only, hash-chained audit log (issue 7 §4). Appends are serialised by SQLite (one
 * connection, synchronous better-sqlite3 calls), so seq and prevHash are always the current head.
 * Retention: {@link AuditLog.purgeBefore} is the only path that removes entries.
 */
export class AuditLog {
  constructor(private readonly db: Db) {}

  append(e: NewAuditEntry): AuditEntry {
    return this.db.transaction(() => {
      const head = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const prev = head ?? this.lastCheckpoint() ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
      const body: AuditEntryBody = {
        seq: prev.seq + 1,
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: JSON.parse(JSON.stringify(e.details ?? {})) as Record<string, unknown>,
        prevHash: prev.hash,
      };
      const hash = auditEntryHash(body);
      this.db
        .prepare(
          'INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)',
        )
        .run(
          body.seq,
          body.at,
          body.actor,
          body.action,
          body.subject,
          JSON.stringify(body.details),
          prev.hash,
          hash,
        );
      return { ...body, hash };
    })();
  }

  list(filter: { subject?: string; action?: string; sinceSeq?: number; limit: number }): AuditEntry[] {
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

  /**
   * Walks the whole chain from the last checkpoint (or genesis) and names the first entry that does
   * not verify: a missing seq (deleted), a prevHash that is not the previous hash (inserted or
   * reordered), or a hash that does not match the entry (altered).
   */
  verify(): AuditVerifyResult {
    const cp = this.lastCheckpoint();
    let prevSeq = cp?.seq ?? 0;
    let prevHash = cp?.hash ?? AUDIT_GENESIS_HASH;
    let n = 0;
    let first: number | null = null;
    const broken = (seq: number, problem: AuditBreakProblem, message: string): AuditVerifyResult => ({
      ok: false,
      entries: n,
      firstBrokenSeq: seq,
      problem,
      message,
    });
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<Row>) {
      const e = toEntry(row);
      if (e.seq !== prevSeq + 1) {
        return broken(
          prevSeq + 1,
          n === 0 && cp ? 'checkpoint_mismatch' : 'seq_gap',
          `entry ${prevSeq + 1} is missing (next present is ${e.seq})`,
        );
      }
      if (e.prevHash !== prevHash)
        return broken(e.seq, 'prev_hash_mismatch', `entry ${e.seq} does not link to entry ${prevSeq}`);
      if (auditEntryHash(e) !== e.hash)
        return broken(e.seq, 'hash_mismatch', `entry ${e.seq} was altered after it was written`);
      first ??= e.seq;
      prevSeq = e.seq;
      prevHash = e.hash;
      n++;
    }
    return { ok: true, entries: n, firstSeq: first, lastSeq: n > 0 ? prevSeq : null, headHash: prevHash };
  }

  /**
   * The retention purge — the one documented path that deletes audit entries (docs in README.md of
   * this module). In one transaction: lift the trigger guard, delete entries with `at < cutoff`
   * (never the newest entry, so the chain keeps a head), record a checkpoint with the hash of the
   * last deleted entry, drop the guard, and append an `audit.purged` entry naming the range.
   */
  purgeBefore(cutoff: number, now: number, actor = 'system'): { purged: number; throughSeq: number | null } {
    return this.db.transaction(() => {
      const last = this.db
        .prepare(
          'SELECT seq, hash FROM audit_log WHERE at < ? AND seq < (SELECT MAX(seq) FROM audit_log) ORDER BY seq DESC LIMIT 1',
        )
        .get(cutoff) as { seq: number; hash: string } | undefined;
      if (!last) return { purged: 0, throughSeq: null };
      this.db.prepare('UPDATE audit_purge_guard SET active = 1 WHERE id = 1').run();
      const res = this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(last.seq);
      this.db.prepare('UPDATE audit_purge_guard SET active = 0 WHERE id = 1').run();
      this.db
        .prepare('INSERT INTO audit_checkpoints (at, through_seq, hash) VALUES (?, ?, ?)')
        .run(now, last.seq, last.hash);
      this.append({
        at: now,
        actor,
        action: 'audit.purged',
        subject: 'audit',
        details: { cutoff, throughSeq: last.seq, purged: res.changes, checkpointHash: last.hash },
      });
      return { purged: res.changes, throughSeq: last.seq };
    })();
  }

  private lastCheckpoint(): { seq: number; hash: string } | null {
    const r = this.db
      .prepare('SELECT through_seq AS seq, hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1')
      .get() as { seq: number; hash: string } | undefined;
    return r ?? null;
  }
}
