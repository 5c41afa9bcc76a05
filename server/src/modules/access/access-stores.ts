import type { AccessAlertStore } from './alert-store.js';
import type { KeysafeKeyStore } from './keysafe-keys.js';
import type { CommandStatus, QueuedCommand } from './keysafe-link.js';
import type { ReleaseStore } from './releases.js';
import type { AccessBlock, BlockScope } from './revocation.js';
import type { AccessSettings } from './settings.js';

/**
 * Storage of the access module beyond the matrix and the carers' consents: per-key-safe state,
 * the command queue, home-unit reachability, blocks, event de-duplication, settings, alerts,
 * releases and sealed keys. Asynchronous, with a SQLite binding (`sqlite-access-stores.ts`) and a
 * PostgreSQL binding (`pg-access-stores.ts`) that pass one contract suite
 * (`testing/access-stores-contract.ts`); domain code never sees SQL.
 */

/** The stored audit anchor of a key safe's own audit chain [KS-SERIAL §9]; `macHex` is hex. */
export interface KeysafeAuditAnchor {
  seq: number;
  macHex: string;
}

/** Per-key-safe state the server keeps (clock, offline-key generations, audit anchor). */
export interface KeysafeStateView {
  clockOffsetMs: number | null;
  clockReportedAt: number | null;
  auditAnchorSeq: number;
}

export interface KeysafeStateStore {
  /** Creates the key safe's row if missing (defaults: no offset, generation 0, anchor 0). */
  ensure(deviceId: string): Promise<void>;
  get(deviceId: string): Promise<KeysafeStateView | undefined>;
  clockOffsetMs(deviceId: string): Promise<number | null>;
  setClock(deviceId: string, offsetMs: number, at: number): Promise<void>;
  /** Increments the offline-code key generation (creating the row if needed); the new generation. */
  nextOfflineGeneration(deviceId: string): Promise<number>;
  /** The newest offline-key generation the key safe confirmed, or null. */
  offlineDeliveredGeneration(deviceId: string): Promise<number | null>;
  /** Raises the delivered generation to `generation` (never lowers it). */
  markOfflineDelivered(deviceId: string, generation: number): Promise<void>;
  auditAnchor(deviceId: string): Promise<KeysafeAuditAnchor | undefined>;
  setAuditAnchor(deviceId: string, anchor: KeysafeAuditAnchor): Promise<void>;
}

/** A queued key-safe command with its (unsigned) parameters. */
export interface StoredCommand extends QueuedCommand {
  params: unknown;
}

export interface KeysafeCommandStore {
  insert(c: {
    id: string;
    deviceId: string;
    kind: string;
    params: unknown;
    purpose: string;
    releaseId: string | null;
    createdAt: number;
  }): Promise<void>;
  get(id: string): Promise<StoredCommand | null>;
  /** Pending commands of a key safe, oldest first. */
  pending(deviceId: string): Promise<StoredCommand[]>;
  /** Pending or sent commands (of one key safe, or all), oldest first. */
  unfinished(deviceId?: string): Promise<StoredCommand[]>;
  /**
   * Claims a pending command for sending under `counter`: false when it is no longer pending (another
   * sender took it, or it was dropped), so one command is sent once per claim.
   */
  markSent(id: string, counter: number, at: number): Promise<boolean>;
  /** A sent command goes back to pending (its publish failed); false when it was no longer sent. */
  markPending(id: string): Promise<boolean>;
  /**
   * Moves a command from one of `from` to `status` with its result, in one conditional statement:
   * false when its status was not in `from` — so of a `cmd/res` and a void racing for the same
   * SET_CODE, exactly one wins, and a duplicated `cmd/res` is taken once.
   */
  setResult(
    id: string,
    status: CommandStatus,
    at: number,
    reason: string,
    from: readonly CommandStatus[],
  ): Promise<boolean>;
  /** Drops pending offline-key deliveries of a key safe (a newer rotation supersedes them). */
  dropPendingOfflineKeys(deviceId: string): Promise<void>;
  /** Whether a time sync is pending or sent for the key safe. */
  hasUnfinishedTimeSync(deviceId: string): Promise<boolean>;
  /** The SET_CODE that went to the key safe with this counter (its ISSUE, KS-SERIAL §7.1). */
  setCodeOfIssue(
    deviceId: string,
    counter: bigint,
  ): Promise<{ releaseId: string | null; purpose: string } | null>;
  /** The newest command carrying a release, if any. */
  latestForRelease(
    releaseId: string,
  ): Promise<{ status: CommandStatus; resultReason: string | null } | undefined>;
  /** Deletes finished commands created before `cutoff` (retention). */
  purgeFinishedBefore(cutoff: number): Promise<number>;
}

/** A home unit's online state at `at` (see {@link AccessGatewayStore.setOnlineAll}). */
export interface OnlineState {
  gatewayId: string;
  online: boolean;
  at: number;
}

/** Each home unit's last state of `states`, in code-point order of its id. */
export function lastOnlineStates(states: readonly OnlineState[]): OnlineState[] {
  const last = new Map<string, OnlineState>();
  for (const s of states) last.set(s.gatewayId, s);
  return [...last.values()].sort((a, b) =>
    a.gatewayId < b.gatewayId ? -1 : a.gatewayId > b.gatewayId ? 1 : 0,
  );
}

/** Which home units the server last saw online, and which home unit serves a home. */
export interface AccessGatewayStore {
  setOnline(gatewayId: string, online: boolean, at: number): Promise<void>;
  /**
   * {@link setOnline} for each of `states` in order (an ingest turn's availability messages), in one
   * statement: each home unit's last state, rows in code-point order.
   */
  setOnlineAll(states: readonly OnlineState[]): Promise<void>;
  isOnline(gatewayId: string): Promise<boolean>;
  /** The newest non-revoked home unit of a home. */
  latestOfHome(homeId: string): Promise<string | null>;
}

export interface AccessBlockStore {
  insert(
    b: Pick<AccessBlock, 'id' | 'scope' | 'target' | 'reason' | 'createdBy' | 'createdAt'>,
  ): Promise<void>;
  lift(id: string, at: number, by: string): Promise<void>;
  get(id: string): Promise<AccessBlock | null>;
  /** Newest first. */
  list(activeOnly: boolean): Promise<AccessBlock[]>;
  isActive(scope: BlockScope, target: string): Promise<boolean>;
}

/** Ids of key-safe events already handled (live and again in a read-back). */
export interface SeenEventStore {
  /** Records the id; false when it was already seen. */
  markSeen(eventId: string, at: number): Promise<boolean>;
  purgeBefore(cutoff: number): Promise<number>;
}

export interface AccessSettingsStore {
  /** The stored settings merged over the defaults (defaults when absent or invalid). */
  load(): Promise<AccessSettings>;
  save(s: AccessSettings): Promise<void>;
}

export interface AccessStores {
  keysafeState: KeysafeStateStore;
  commands: KeysafeCommandStore;
  gateways: AccessGatewayStore;
  blocks: AccessBlockStore;
  seenEvents: SeenEventStore;
  settings: AccessSettingsStore;
  alerts: AccessAlertStore;
  releases: ReleaseStore;
  /** Sealed key-safe keys and their command counters (sealing is in `KeysafeKeys`). */
  keys: KeysafeKeyStore;
  /**
   * Runs `fn` in one transaction with the stores bound to it (`tx`), never the shared ones:
   * committed when `fn` resolves, rolled back when it rejects. Nested calls are savepoints. `fn`
   * awaits only `tx`'s stores — no other module, no network — so it is short, and in SQLite no other
   * statement runs inside it (store README, "Module stores on PostgreSQL").
   */
  transaction<T>(fn: (tx: AccessStores) => Promise<T>): Promise<T>;
}
