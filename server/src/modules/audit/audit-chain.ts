import type {
  AuditBreakProblem,
  AuditCountFilter,
  AuditEntry,
  AuditLink,
  AuditListFilter,
  AuditStore,
  AuditVerifyResult,
  NewAuditEntry,
} from './audit-store.js';
import { AUDIT_GENESIS_HASH, type AuditEntryBody, auditEntryHash } from './canonical.js';

export type { AuditBreakProblem, AuditEntry, AuditVerifyResult, NewAuditEntry } from './audit-store.js';

/**
 * The append-only, hash-chained audit log, over any {@link AuditStore}. Appends run in
 * one synchronous store transaction, so seq and prevHash are always the current head.
 * Retention: {@link AuditChain.purgeBefore} is the only path that removes entries.
 */
export class AuditChain {
  constructor(private readonly store: AuditStore) {}

  append(e: NewAuditEntry): AuditEntry {
    return this.store.transaction(() => {
      const head = this.store.head();
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
      const entry: AuditEntry = { ...body, hash };
      this.store.insert(entry);
      return entry;
    });
  }

  /** Counts recent entries (alert thresholds: refusals, wrong codes). */
  count(filter: AuditCountFilter): number {
    return this.store.count(filter);
  }

  list(filter: AuditListFilter): AuditEntry[] {
    return this.store.list(filter);
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
    for (const e of this.store.iterate()) {
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
    return this.store.transaction(() => {
      const last = this.store.lastPurgeable(cutoff);
      if (!last) return { purged: 0, throughSeq: null };
      const purged = this.store.deleteThrough(last.seq);
      this.store.addCheckpoint(now, last.seq, last.hash);
      this.append({
        at: now,
        actor,
        action: 'audit.purged',
        subject: 'audit',
        details: { cutoff, throughSeq: last.seq, purged, checkpointHash: last.hash },
      });
      return { purged, throughSeq: last.seq };
    });
  }

  private lastCheckpoint(): AuditLink | null {
    return this.store.lastCheckpoint();
  }
}
