import { conflict } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import {
  type Release,
  type Rollout,
  type RolloutState,
  type RolloutUnit,
  UNIT_STATES,
  type UnitCounts,
  type UnitState,
} from './types.js';
import {
  RELEASE_COLS,
  type RolloutPatch,
  type UpdateRow as Row,
  releaseOf,
  rolloutOf,
  type UnitPatch,
  type UpdateStore,
  unitOf,
} from './update-store.js';

/**
 * The SQLite binding of {@link UpdateStore} (migration 130). Transactions of one connection run one
 * at a time, so {@link lockRollout} is a read.
 */
export class SqliteUpdateStore implements UpdateStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  transaction<T>(fn: (tx: UpdateStore) => Promise<T>): Promise<T> {
    return this.h.transaction((tx) => fn(new SqliteUpdateStore(tx)));
  }

  insertRelease(r: Release, signatureJson: string, pkg: Buffer): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `INSERT INTO update_releases (version, arch, sha256, size, key_id, notes, uploaded_at, uploaded_by,
           signature_json, package) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
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
    });
  }

  release(version: string): Promise<Release | null> {
    return this.h.run((db) => {
      const r = db.prepare(`SELECT ${RELEASE_COLS} FROM update_releases WHERE version = ?`).get(version) as
        | Row
        | undefined;
      return r ? releaseOf(r) : null;
    });
  }

  releases(): Promise<Release[]> {
    return this.h.run((db) =>
      (
        db.prepare(`SELECT ${RELEASE_COLS} FROM update_releases ORDER BY uploaded_at, version`).all() as Row[]
      ).map(releaseOf),
    );
  }

  releasePackage(version: string): Promise<Buffer | null> {
    return this.h.run((db) => {
      const r = db.prepare('SELECT package FROM update_releases WHERE version = ?').get(version) as
        | { package: Buffer }
        | undefined;
      return r?.package ?? null;
    });
  }

  releaseSignature(version: string): Promise<string | null> {
    return this.h.run((db) => {
      const r = db.prepare('SELECT signature_json FROM update_releases WHERE version = ?').get(version) as
        | { signature_json: string }
        | undefined;
      return r?.signature_json ?? null;
    });
  }

  insertRollout(
    r: Rollout,
    units: Array<{ gatewayId: string; homeId: string | null; wave: number }>,
  ): Promise<void> {
    return this.h.run((db) =>
      db.transaction(() => {
        const open = db
          .prepare("SELECT id FROM update_rollouts WHERE version = ? AND state IN ('running','paused')")
          .get(r.version);
        // the same refusal as PostgreSQL's partial unique index (pg migration 011)
        if (open) throw activeRolloutExists();
        db.prepare(
          `INSERT INTO update_rollouts (id, version, target_json, waves_json, wave, state, pause_reason,
             max_failure_pct, wave_started_at, created_at, created_by, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
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
        const add = db.prepare(
          `INSERT INTO update_rollout_units (rollout_id, gateway_id, home_id, wave, state, updated_at)
           VALUES (?, ?, ?, ?, 'pending', ?)`,
        );
        for (const u of units) add.run(r.id, u.gatewayId, u.homeId, u.wave, r.createdAt);
      })(),
    );
  }

  rollout(id: string): Promise<Rollout | null> {
    return this.h.run((db) => {
      const r = db.prepare('SELECT * FROM update_rollouts WHERE id = ?').get(id) as Row | undefined;
      return r ? rolloutOf(r) : null;
    });
  }

  lockRollout(id: string): Promise<Rollout | null> {
    return this.rollout(id);
  }

  rollouts(states?: readonly RolloutState[]): Promise<Rollout[]> {
    return this.h.run((db) => {
      const rows = db.prepare('SELECT * FROM update_rollouts ORDER BY created_at DESC, id').all() as Row[];
      return rows.map(rolloutOf).filter((r) => !states || states.includes(r.state));
    });
  }

  setRollout(id: string, patch: RolloutPatch, now: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `UPDATE update_rollouts SET state = COALESCE(?, state),
           pause_reason = CASE WHEN ? THEN ? ELSE pause_reason END, wave = COALESCE(?, wave),
           wave_started_at = COALESCE(?, wave_started_at), updated_at = ? WHERE id = ?`,
      ).run(
        patch.state ?? null,
        patch.pauseReason === undefined ? 0 : 1,
        patch.pauseReason ?? null,
        patch.wave ?? null,
        patch.waveStartedAt ?? null,
        now,
        id,
      );
    });
  }

  units(rolloutId: string): Promise<RolloutUnit[]> {
    return this.h.run((db) =>
      (
        db
          .prepare('SELECT * FROM update_rollout_units WHERE rollout_id = ? ORDER BY wave, gateway_id')
          .all(rolloutId) as Row[]
      ).map(unitOf),
    );
  }

  unitByTransaction(transactionId: string): Promise<RolloutUnit | null> {
    return this.h.run((db) => {
      const r = db
        .prepare('SELECT * FROM update_rollout_units WHERE transaction_id = ?')
        .get(transactionId) as Row | undefined;
      return r ? unitOf(r) : null;
    });
  }

  unit(rolloutId: string, gatewayId: string): Promise<RolloutUnit | null> {
    return this.h.run((db) => {
      const r = db
        .prepare('SELECT * FROM update_rollout_units WHERE rollout_id = ? AND gateway_id = ?')
        .get(rolloutId, gatewayId) as Row | undefined;
      return r ? unitOf(r) : null;
    });
  }

  setUnit(rolloutId: string, gatewayId: string, patch: UnitPatch, now: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare(
        `UPDATE update_rollout_units SET state = ?, reason = COALESCE(?, reason), running_version = COALESCE(?, running_version),
           transaction_id = COALESCE(?, transaction_id), offered_at = COALESCE(?, offered_at), updated_at = ?
         WHERE rollout_id = ? AND gateway_id = ?`,
      ).run(
        patch.state,
        patch.reason ?? null,
        patch.runningVersion ?? null,
        patch.transactionId ?? null,
        patch.offeredAt ?? null,
        now,
        rolloutId,
        gatewayId,
      );
    });
  }

  counts(rolloutId: string): Promise<UnitCounts> {
    return this.h.run((db) => {
      const out = Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as UnitCounts;
      const rows = db
        .prepare('SELECT state, COUNT(*) AS n FROM update_rollout_units WHERE rollout_id = ? GROUP BY state')
        .all(rolloutId) as Array<{ state: UnitState; n: number }>;
      for (const r of rows) out[r.state] = r.n;
      return out;
    });
  }

  acceptedFailures(rolloutId: string): Promise<number> {
    return this.h.run((db) => {
      const r = db
        .prepare('SELECT failures_accepted AS n FROM update_rollouts WHERE id = ?')
        .get(rolloutId) as { n: number } | undefined;
      return r?.n ?? 0;
    });
  }

  acceptFailures(rolloutId: string, n: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE update_rollouts SET failures_accepted = ? WHERE id = ?').run(n, rolloutId);
    });
  }
}

/** Another rollout of the version is running or paused (both bindings refuse it alike). */
export function activeRolloutExists(): Error {
  return conflict('Another rollout of this version is running or paused; resume or abort it first.');
}
