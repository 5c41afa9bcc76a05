import type { Db } from '../../store/database.js';
import {
  type Release,
  type Rollout,
  type RolloutState,
  type RolloutUnit,
  UNIT_STATES,
  type UnitCounts,
  type UnitState,
} from './types.js';

type Row = Record<string, unknown>;
const releaseOf = (r: Row): Release => ({
  version: String(r['version']),
  arch: String(r['arch']),
  sha256: String(r['sha256']),
  size: Number(r['size']),
  keyId: String(r['key_id']),
  notes: String(r['notes']),
  uploadedAt: Number(r['uploaded_at']),
  uploadedBy: String(r['uploaded_by']),
});
const rolloutOf = (r: Row): Rollout => ({
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
const unitOf = (r: Row): RolloutUnit => ({
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
const RELEASE_COLS = 'version, arch, sha256, size, key_id, notes, uploaded_at, uploaded_by';

/** Releases, rollouts and their units in SQLite (migration 130). */
export class UpdateStore {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insertRelease(r: Release, signatureJson: string, pkg: Buffer): void {
    this.db
      .prepare(
        `INSERT INTO update_releases (version, arch, sha256, size, key_id, notes, uploaded_at, uploaded_by,
           signature_json, package) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.version,
        r.arch,
        r.sha256,
        r.size,
        r.keyId,
        r.notes,
        r.uploadedAt,
        r.uploadedBy,
        signatureJson,
        pkg,
      );
  }

  release(version: string): Release | null {
    const r = this.db.prepare(`SELECT ${RELEASE_COLS} FROM update_releases WHERE version = ?`).get(version) as
      | Row
      | undefined;
    return r ? releaseOf(r) : null;
  }

  releases(): Release[] {
    return (this.db.prepare(`SELECT ${RELEASE_COLS} FROM update_releases`).all() as Row[]).map(releaseOf);
  }

  releasePackage(version: string): Buffer | null {
    const r = this.db.prepare('SELECT package FROM update_releases WHERE version = ?').get(version) as
      | { package: Buffer }
      | undefined;
    return r?.package ?? null;
  }

  releaseSignature(version: string): string | null {
    const r = this.db.prepare('SELECT signature_json FROM update_releases WHERE version = ?').get(version) as
      | { signature_json: string }
      | undefined;
    return r?.signature_json ?? null;
  }

  insertRollout(r: Rollout, units: Array<{ gatewayId: string; homeId: string | null; wave: number }>): void {
    this.db
      .prepare(
        `INSERT INTO update_rollouts (id, version, target_json, waves_json, wave, state, pause_reason,
           max_failure_pct, wave_started_at, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.version,
        JSON.stringify(r.target),
        JSON.stringify(r.waves),
        r.wave,
        r.state,
        r.pauseReason,
        r.maxFailurePct,
        r.waveStartedAt,
        r.createdAt,
        r.createdBy,
        r.updatedAt,
      );
    const add = this.db.prepare(
      `INSERT INTO update_rollout_units (rollout_id, gateway_id, home_id, wave, state, updated_at)
       VALUES (?, ?, ?, ?, 'pending', ?)`,
    );
    for (const u of units) add.run(r.id, u.gatewayId, u.homeId, u.wave, r.createdAt);
  }

  rollout(id: string): Rollout | null {
    const r = this.db.prepare('SELECT * FROM update_rollouts WHERE id = ?').get(id) as Row | undefined;
    return r ? rolloutOf(r) : null;
  }

  rollouts(states?: readonly RolloutState[]): Rollout[] {
    const rows = this.db.prepare('SELECT * FROM update_rollouts ORDER BY created_at DESC, id').all() as Row[];
    return rows.map(rolloutOf).filter((r) => !states || states.includes(r.state));
  }

  setRollout(
    id: string,
    patch: { state?: RolloutState; pauseReason?: string | null; wave?: number; waveStartedAt?: number },
    now: number,
  ): void {
    const r = this.rollout(id);
    if (!r) return;
    this.db
      .prepare(
        'UPDATE update_rollouts SET state = ?, pause_reason = ?, wave = ?, wave_started_at = ?, updated_at = ? WHERE id = ?',
      )
      .run(
        patch.state ?? r.state,
        patch.pauseReason === undefined ? r.pauseReason : patch.pauseReason,
        patch.wave ?? r.wave,
        patch.waveStartedAt ?? r.waveStartedAt,
        now,
        id,
      );
  }

  units(rolloutId: string): RolloutUnit[] {
    return (
      this.db
        .prepare('SELECT * FROM update_rollout_units WHERE rollout_id = ? ORDER BY wave, gateway_id')
        .all(rolloutId) as Row[]
    ).map(unitOf);
  }

  unitByTransaction(transactionId: string): RolloutUnit | null {
    const r = this.db
      .prepare('SELECT * FROM update_rollout_units WHERE transaction_id = ?')
      .get(transactionId) as Row | undefined;
    return r ? unitOf(r) : null;
  }

  unit(rolloutId: string, gatewayId: string): RolloutUnit | null {
    const r = this.db
      .prepare('SELECT * FROM update_rollout_units WHERE rollout_id = ? AND gateway_id = ?')
      .get(rolloutId, gatewayId) as Row | undefined;
    return r ? unitOf(r) : null;
  }

  setUnit(
    rolloutId: string,
    gatewayId: string,
    patch: {
      state: UnitState;
      reason?: string | null;
      runningVersion?: string;
      transactionId?: string;
      offeredAt?: number;
    },
    now: number,
  ): void {
    this.db
      .prepare(
        `UPDATE update_rollout_units SET state = ?, reason = COALESCE(?, reason), running_version = COALESCE(?, running_version),
           transaction_id = COALESCE(?, transaction_id), offered_at = COALESCE(?, offered_at), updated_at = ?
         WHERE rollout_id = ? AND gateway_id = ?`,
      )
      .run(
        patch.state,
        patch.reason ?? null,
        patch.runningVersion ?? null,
        patch.transactionId ?? null,
        patch.offeredAt ?? null,
        now,
        rolloutId,
        gatewayId,
      );
  }

  counts(rolloutId: string): UnitCounts {
    const out = Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as UnitCounts;
    const rows = this.db
      .prepare('SELECT state, COUNT(*) AS n FROM update_rollout_units WHERE rollout_id = ? GROUP BY state')
      .all(rolloutId) as Array<{ state: UnitState; n: number }>;
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** Failed or rolled-back units of the current wave an admin accepted by resuming. */
  acceptedFailures(rolloutId: string): number {
    const r = this.db
      .prepare('SELECT failures_accepted AS n FROM update_rollouts WHERE id = ?')
      .get(rolloutId) as { n: number } | undefined;
    return r?.n ?? 0;
  }

  acceptFailures(rolloutId: string, n: number): void {
    this.db.prepare('UPDATE update_rollouts SET failures_accepted = ? WHERE id = ?').run(n, rolloutId);
  }
}
