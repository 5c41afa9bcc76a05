import type { AccessAlertStore } from './alert-store.js';
import type { CommandStatus, QueuedCommand } from './keysafe-link.js';
import type { AccessBlock, BlockScope } from './revocation.js';
import type { AccessSettings } from './settings.js';

/**
 * Storage of the access module beyond the matrix, releases, keys and alerts: per-key-safe
 * state, the command queue, home-unit reachability, blocks, event de-duplication and settings.
 * Synchronous, like every store of the SQLite binding. Convention: interfaces here, SQLite
 * bindings in `sqlite-access-stores.ts`; domain code never sees SQL.
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
  ensure(deviceId: string): void;
  get(deviceId: string): KeysafeStateView | undefined;
  clockOffsetMs(deviceId: string): number | null;
  setClock(deviceId: string, offsetMs: number, at: number): void;
  /** Increments the offline-code key generation (creating the row if needed); the new generation. */
  nextOfflineGeneration(deviceId: string): number;
  /** The newest offline-key generation the key safe confirmed, or null. */
  offlineDeliveredGeneration(deviceId: string): number | null;
  /** Raises the delivered generation to `generation` (never lowers it). */
  markOfflineDelivered(deviceId: string, generation: number): void;
  auditAnchor(deviceId: string): KeysafeAuditAnchor | undefined;
  setAuditAnchor(deviceId: string, anchor: KeysafeAuditAnchor): void;
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
  }): void;
  get(id: string): StoredCommand | null;
  /** Pending commands of a key safe, oldest first. */
  pending(deviceId: string): StoredCommand[];
  /** Pending or sent commands (of one key safe, or all), oldest first. */
  unfinished(deviceId?: string): StoredCommand[];
  markSent(id: string, counter: number, at: number): void;
  markPending(id: string): void;
  setResult(id: string, status: CommandStatus, at: number, reason: string): void;
  /** Drops pending offline-key deliveries of a key safe (a newer rotation supersedes them). */
  dropPendingOfflineKeys(deviceId: string): void;
  /** Whether a time sync is pending or sent for the key safe. */
  hasUnfinishedTimeSync(deviceId: string): boolean;
  /** The SET_CODE that went to the key safe with this counter (its ISSUE, KS-SERIAL §7.1). */
  setCodeOfIssue(deviceId: string, counter: bigint): { releaseId: string | null; purpose: string } | null;
  /** The newest command carrying a release, if any. */
  latestForRelease(releaseId: string): { status: CommandStatus; resultReason: string | null } | undefined;
  /** Deletes finished commands created before `cutoff` (retention). */
  purgeFinishedBefore(cutoff: number): number;
}

/** Which home units the server last saw online, and which home unit serves a home. */
export interface AccessGatewayStore {
  setOnline(gatewayId: string, online: boolean, at: number): void;
  isOnline(gatewayId: string): boolean;
  /** The newest non-revoked home unit of a home. */
  latestOfHome(homeId: string): string | null;
}

export interface AccessBlockStore {
  insert(b: Pick<AccessBlock, 'id' | 'scope' | 'target' | 'reason' | 'createdBy' | 'createdAt'>): void;
  lift(id: string, at: number, by: string): void;
  get(id: string): AccessBlock | null;
  /** Newest first. */
  list(activeOnly: boolean): AccessBlock[];
  isActive(scope: BlockScope, target: string): boolean;
}

/** Ids of key-safe events already handled (live and again in a read-back). */
export interface SeenEventStore {
  /** Records the id; false when it was already seen. */
  markSeen(eventId: string, at: number): boolean;
  purgeBefore(cutoff: number): number;
}

export interface AccessSettingsStore {
  /** The stored settings merged over the defaults (defaults when absent or invalid). */
  load(): AccessSettings;
  save(s: AccessSettings): void;
}

export interface AccessStores {
  keysafeState: KeysafeStateStore;
  commands: KeysafeCommandStore;
  gateways: AccessGatewayStore;
  blocks: AccessBlockStore;
  seenEvents: SeenEventStore;
  settings: AccessSettingsStore;
  alerts: AccessAlertStore;
}
