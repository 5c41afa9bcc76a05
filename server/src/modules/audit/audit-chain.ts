import type {
  AuditBreakProblem,
  AuditCountFilter,
  AuditEntry,
  AuditListFilter,
  AuditStore,
  AuditVerifyResult,
  NewAuditEntry,
} from './audit-store.js';
import { AUDIT_GENESIS_HASH, type AuditEntryBody, auditEntryHash } from './canonical.js';

export type { AuditBreakProblem, AuditEntry, AuditVerifyResult, NewAuditEntry } from './audit-store.js';

/** Entries read per page while verifying (a walk over the whole chain never holds it all). */
const VERIFY_PAGE = 1000;

/**
 * The append-only, hash-chained audit log, over any {@link AuditStore}. An append reads the head
 * and inserts its successor in one store transaction that first takes the chain's lock
 * ({@link AuditStore.lockChain}), so two appends at once — on one instance or on two sharing a
 * PostgreSQL database — chain one after the other instead of both onto the same head.
 * Retention: {@link AuditChain.purgeBefore} is the only path that removes entries.
 */
export class AuditChain {
  constructor(private readonly store: AuditStore) {}

  append(e: NewAuditEntry): Promise<AuditEntry> {
    return this.store.transaction((tx) => appendTo(tx, e));
  }

  /** Counts recent entries (alert thresholds: refusals, wrong codes). */
  count(filter: AuditCountFilter): Promise<number> {
    return this.store.count(filter);
  }

  list(filter: AuditListFilter): Promise<AuditEntry[]> {
    return this.store.list(filter);
  }

  /**
   * Walks the whole chain from the last checkpoint (or genesis) and names the first entry that does
   * not verify: a missing seq (deleted), a prevHash that is not the previous hash (inserted or
   * reordered), or a hash that does not match the entry (altered). Reads in one transaction, holding
   * the chain's lock, so a purge or an append cannot change it halfway through the walk.
   */
  verify(): Promise<AuditVerifyResult> {
    return this.store.transaction(async (tx) => {
      await tx.lockChain();
      const cp = await tx.lastCheckpoint();
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
      for (let after = -1; ; ) {
        const page = await tx.page(after, VERIFY_PAGE);
        for (const e of page) {
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
        if (page.length < VERIFY_PAGE) break;
        after = page[page.length - 1]!.seq;
      }
      return { ok: true, entries: n, firstSeq: first, lastSeq: n > 0 ? prevSeq : null, headHash: prevHash };
    });
  }

  /**
   * The retention purge — the one documented path that deletes audit entries (docs in README.md of
   * this module). In one transaction: lift the trigger guard, delete entries with `at < cutoff`
   * (never the newest entry, so the chain keeps a head), record a checkpoint with the hash of the
   * last deleted entry, drop the guard, and append an `audit.purged` entry naming the range.
   */
  purgeBefore(
    cutoff: number,
    now: number,
    actor = 'system',
  ): Promise<{ purged: number; throughSeq: number | null }> {
    return this.store.transaction(async (tx) => {
      await tx.lockChain();
      const last = await tx.lastPurgeable(cutoff);
      if (!last) return { purged: 0, throughSeq: null };
      const purged = await tx.deleteThrough(last.seq);
      await tx.addCheckpoint(now, last.seq, last.hash);
      await appendTo(tx, {
        at: now,
        actor,
        action: 'audit.purged',
        subject: 'audit',
        details: { cutoff, throughSeq: last.seq, purged, checkpointHash: last.hash },
      });
      return { purged, throughSeq: last.seq };
    });
  }
}

/** Appends `e` after the current head, inside the caller's transaction `tx`. */
async function appendTo(tx: AuditStore, e: NewAuditEntry): Promise<AuditEntry> {
  await tx.lockChain();
  const prev = (await tx.head()) ?? (await tx.lastCheckpoint()) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
  const body: AuditEntryBody = {
    seq: prev.seq + 1,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: JSON.parse(JSON.stringify(e.details ?? {})) as Record<string, unknown>,
    prevHash: prev.hash,
  };
  const entry: AuditEntry = { ...body, hash: auditEntryHash(body) };
  await tx.insert(entry);
  return entry;
}
