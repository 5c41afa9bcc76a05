import type { AuditEntryBody } from './canonical.js';

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

export interface AuditListFilter {
  subject?: string;
  action?: string;
  sinceSeq?: number;
  limit: number;
}

export interface AuditCountFilter {
  action: string;
  actor?: string;
  subject?: string;
  since: number;
}

/** A chain position: the seq and hash of an entry or checkpoint. */
export interface AuditLink {
  seq: number;
  hash: string;
}

/**
 * Storage of the hash-chained audit log. Rows are append-only: the only deletion is
 * {@link AuditStore.deleteThrough}, used by the documented retention purge. Synchronous, so an
 * append inside {@link AuditStore.transaction} always sees the current head.
 */
export interface AuditStore {
  /** The newest entry, if any. */
  head(): AuditLink | undefined;
  /** The newest purge checkpoint (the hash of the last purged entry), if any. */
  lastCheckpoint(): AuditLink | null;
  insert(e: AuditEntry): void;
  /** Entries in seq order. */
  list(filter: AuditListFilter): AuditEntry[];
  /** Every entry in seq order (streamed). */
  iterate(): Iterable<AuditEntry>;
  /** The newest entry with `at < cutoff` that is not the newest entry overall. */
  lastPurgeable(cutoff: number): AuditLink | undefined;
  /** Deletes entries with `seq <= throughSeq` (lifting the storage's append-only guard); the count. */
  deleteThrough(throughSeq: number): number;
  addCheckpoint(at: number, throughSeq: number, hash: string): void;
  /** Entries with this action (and actor / subject when given) and `at > since`. */
  count(filter: AuditCountFilter): number;
  transaction<T>(fn: () => T): T;
}
