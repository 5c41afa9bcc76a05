import type { Release, Rollout, RolloutState, RolloutUnit, UnitCounts, UnitState } from './types.js';

export interface RolloutPatch {
  state?: RolloutState;
  /** `null` clears it; absent leaves it. */
  pauseReason?: string | null;
  wave?: number;
  waveStartedAt?: number;
}

export interface UnitPatch {
  state: UnitState;
  reason?: string | null;
  runningVersion?: string;
  transactionId?: string;
  offeredAt?: number;
}

/**
 * Releases, rollouts and their units. Bindings: SQLite (`sqlite-update-store.ts`) and PostgreSQL
 * (`pg-update-store.ts`); the contract is `testing/update-store-contract.ts`. Every change to a
 * rollout or its units runs in a {@link UpdateStore.transaction} that first locks the rollout
 * ({@link UpdateStore.lockRollout}), so a unit's report on one instance and the periodic step on
 * another never decide on what the other is changing.
 */
export interface UpdateStore {
  /** Refused (a unique key) when a release of this version exists: releases are never replaced. */
  insertRelease(r: Release, signatureJson: string, pkg: Buffer): Promise<void>;
  release(version: string): Promise<Release | null>;
  releases(): Promise<Release[]>;
  releasePackage(version: string): Promise<Buffer | null>;
  releaseSignature(version: string): Promise<string | null>;
  /**
   * The rollout with every unit `pending`. Refused (a unique key) when another rollout of the same
   * version is running or paused.
   */
  insertRollout(
    r: Rollout,
    units: Array<{ gatewayId: string; homeId: string | null; wave: number }>,
  ): Promise<void>;
  rollout(id: string): Promise<Rollout | null>;
  /** Inside a transaction: the rollout, held against every other writer of it until the commit. */
  lockRollout(id: string): Promise<Rollout | null>;
  /** Newest first (ties by id), optionally only those in `states`. */
  rollouts(states?: readonly RolloutState[]): Promise<Rollout[]>;
  setRollout(id: string, patch: RolloutPatch, now: number): Promise<void>;
  /** In wave order, then by gateway id. */
  units(rolloutId: string): Promise<RolloutUnit[]>;
  unitByTransaction(transactionId: string): Promise<RolloutUnit | null>;
  unit(rolloutId: string, gatewayId: string): Promise<RolloutUnit | null>;
  /** Absent fields keep their value (a `null` reason too). */
  setUnit(rolloutId: string, gatewayId: string, patch: UnitPatch, now: number): Promise<void>;
  counts(rolloutId: string): Promise<UnitCounts>;
  /** Failed or rolled-back units of the current wave an admin accepted by resuming. */
  acceptedFailures(rolloutId: string): Promise<number>;
  acceptFailures(rolloutId: string, n: number): Promise<void>;
  /**
   * Runs `fn` in one transaction with a store bound to it (never this one): committed when `fn`
   * resolves, rolled back when it rejects.
   */
  transaction<T>(fn: (tx: UpdateStore) => Promise<T>): Promise<T>;
}

/** Rows as both bindings read them (column names of migration 130 / PG 011). */
export type UpdateRow = Record<string, unknown>;

export const releaseOf = (r: UpdateRow): Release => ({
  version: String(r['version']),
  arch: String(r['arch']),
  sha256: String(r['sha256']),
  size: Number(r['size']),
  keyId: String(r['key_id']),
  notes: String(r['notes']),
  uploadedAt: Number(r['uploaded_at']),
  uploadedBy: String(r['uploaded_by']),
});
export const rolloutOf = (r: UpdateRow): Rollout => ({
  id: String(r['id']),
  version: String(r['version']),
  target: JSON.parse(String(r['target_json'])) as Rollout['target'],
  waves: JSON.parse(String(r['waves_json'])) as number[],
  wave: Number(r['wave']),
  state: r['state'] as RolloutState,
  pauseReason: (r['pause_reason'] as string | null) ?? null,
  maxFailurePct: Number(r['max_failure_pct']),
  waveStartedAt: (r['wave_started_at'] as number | null) ?? null,
  createdAt: Number(r['created_at']),
  createdBy: String(r['created_by']),
  updatedAt: Number(r['updated_at']),
});
export const unitOf = (r: UpdateRow): RolloutUnit => ({
  rolloutId: String(r['rollout_id']),
  gatewayId: String(r['gateway_id']),
  homeId: (r['home_id'] as string | null) ?? null,
  wave: Number(r['wave']),
  state: r['state'] as UnitState,
  transactionId: (r['transaction_id'] as string | null) ?? null,
  runningVersion: (r['running_version'] as string | null) ?? null,
  reason: (r['reason'] as string | null) ?? null,
  offeredAt: (r['offered_at'] as number | null) ?? null,
  updatedAt: Number(r['updated_at']),
});
export const RELEASE_COLS = 'version, arch, sha256, size, key_id, notes, uploaded_at, uploaded_by';
