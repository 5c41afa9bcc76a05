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
 * {@link AuditStore.deleteThrough}, used by the documented retention purge. Bindings: SQLite
 * (`sqlite-audit-store.ts`) and PostgreSQL (`pg-audit-store.ts`); the contract is
 * `testing/audit-store-contract.ts`.
 */
export interface AuditStore {
  /** The newest entry, if any. */
  head(): Promise<AuditLink | undefined>;
  /** The newest purge checkpoint (the hash of the last purged entry), if any. */
  lastCheckpoint(): Promise<AuditLink | null>;
  /**
   * Inside a transaction: holds off every other appender until this transaction ends, so the
   * head read after it is still the head at the commit (two appenders never chain onto the same
   * entry). A no-op where transactions already run one at a time (SQLite).
   */
  lockChain(): Promise<void>;
  /** Refused (a unique key) when an entry with this seq exists. */
  insert(e: AuditEntry): Promise<void>;
  /** Entries in seq order. */
  list(filter: AuditListFilter): Promise<AuditEntry[]>;
  /** Up to `limit` entries with `seq > afterSeq`, in seq order (a page of a walk over the chain). */
  page(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The newest entry with `at < cutoff` that is not the newest entry overall. */
  lastPurgeable(cutoff: number): Promise<AuditLink | undefined>;
  /** Deletes entries with `seq <= throughSeq` (lifting the storage's append-only guard); the count. */
  deleteThrough(throughSeq: number): Promise<number>;
  addCheckpoint(at: number, throughSeq: number, hash: string): Promise<void>;
  /** Entries with this action (and actor / subject when given) and `at > since`. */
  count(filter: AuditCountFilter): Promise<number>;
  /**
   * Runs `fn` in one transaction with a store bound to it (never this one): committed when `fn`
   * resolves, rolled back when it rejects. Nested calls on the transaction's store are savepoints.
   */
  transaction<T>(fn: (tx: AuditStore) => Promise<T>): Promise<T>;
}
