import type { PgHandle } from '../../store/pg/pg-database.js';
import {
  type Release,
  type Rollout,
  type RolloutState,
  type RolloutUnit,
  UNIT_STATES,
  type UnitCounts,
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
 * The PostgreSQL binding of {@link UpdateStore} (pg migration 011). {@link lockRollout} is
 * `SELECT … FOR UPDATE` on the rollout's row: whoever changes a rollout or its units (a unit's
 * report on one instance, the periodic step on another) waits for the holder's commit and then
 * reads what it wrote.
 */
export class PgUpdateStore implements UpdateStore {
  constructor(private readonly db: PgHandle) {}

  transaction<T>(fn: (tx: UpdateStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgUpdateStore(tx)));
  }

  async insertRelease(r: Release, signatureJson: string, pkg: Buffer): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO update_releases (version, arch, sha256, size, key_id, notes, uploaded_at, uploaded_by,
         signature_json, package) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [r.version, r.arch, r.sha256, r.size, r.keyId, r.notes, r.uploadedAt, r.uploadedBy, signatureJson, pkg],
    );
  }

  async release(version: string): Promise<Release | null> {
    const r = await this.db.sql.query<Row>(`SELECT ${RELEASE_COLS} FROM update_releases WHERE version = $1`, [
      version,
    ]);
    return r.rows[0] ? releaseOf(r.rows[0]) : null;
  }

  async releases(): Promise<Release[]> {
    const r = await this.db.sql.query<Row>(
      `SELECT ${RELEASE_COLS} FROM update_releases ORDER BY uploaded_at, version`,
    );
    return r.rows.map(releaseOf);
  }

  async releasePackage(version: string): Promise<Buffer | null> {
    const r = await this.db.sql.query<{ package: Buffer }>(
      'SELECT package FROM update_releases WHERE version = $1',
      [version],
    );
    return r.rows[0]?.package ?? null;
  }

  async releaseSignature(version: string): Promise<string | null> {
    const r = await this.db.sql.query<{ signature_json: string }>(
      'SELECT signature_json FROM update_releases WHERE version = $1',
      [version],
    );
    return r.rows[0]?.signature_json ?? null;
  }

  insertRollout(
    r: Rollout,
    units: Array<{ gatewayId: string; homeId: string | null; wave: number }>,
  ): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.sql.query(
        `INSERT INTO update_rollouts (id, version, target_json, waves_json, wave, state, pause_reason,
           max_failure_pct, wave_started_at, created_at, created_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
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
        ],
      );
      if (units.length === 0) return;
      await tx.sql.query(
        `INSERT INTO update_rollout_units (rollout_id, gateway_id, home_id, wave, state, updated_at)
         SELECT $1, g, h, w, 'pending', $2 FROM unnest($3::text[], $4::text[], $5::int[]) AS u(g, h, w)`,
        [
          r.id,
          r.createdAt,
          units.map((u) => u.gatewayId),
          units.map((u) => u.homeId),
          units.map((u) => u.wave),
        ],
      );
    });
  }

  async rollout(id: string): Promise<Rollout | null> {
    const r = await this.db.sql.query<Row>('SELECT * FROM update_rollouts WHERE id = $1', [id]);
    return r.rows[0] ? rolloutOf(r.rows[0]) : null;
  }

  async lockRollout(id: string): Promise<Rollout | null> {
    const r = await this.db.sql.query<Row>('SELECT * FROM update_rollouts WHERE id = $1 FOR UPDATE', [id]);
    return r.rows[0] ? rolloutOf(r.rows[0]) : null;
  }

  async rollouts(states?: readonly RolloutState[]): Promise<Rollout[]> {
    const r = await this.db.sql.query<Row>(
      `SELECT * FROM update_rollouts WHERE $1::text[] IS NULL OR state = ANY($1::text[])
       ORDER BY created_at DESC, id COLLATE "C"`,
      [states ? [...states] : null],
    );
    return r.rows.map(rolloutOf);
  }

  async setRollout(id: string, patch: RolloutPatch, now: number): Promise<void> {
    await this.db.sql.query(
      `UPDATE update_rollouts SET state = COALESCE($1, state),
         pause_reason = CASE WHEN $2 THEN $3 ELSE pause_reason END, wave = COALESCE($4, wave),
         wave_started_at = COALESCE($5, wave_started_at), updated_at = $6 WHERE id = $7`,
      [
        patch.state ?? null,
        patch.pauseReason !== undefined,
        patch.pauseReason ?? null,
        patch.wave ?? null,
        patch.waveStartedAt ?? null,
        now,
        id,
      ],
    );
  }

  async units(rolloutId: string): Promise<RolloutUnit[]> {
    const r = await this.db.sql.query<Row>(
      'SELECT * FROM update_rollout_units WHERE rollout_id = $1 ORDER BY wave, gateway_id',
      [rolloutId],
    );
    return r.rows.map(unitOf);
  }

  async unitByTransaction(transactionId: string): Promise<RolloutUnit | null> {
    const r = await this.db.sql.query<Row>('SELECT * FROM update_rollout_units WHERE transaction_id = $1', [
      transactionId,
    ]);
    return r.rows[0] ? unitOf(r.rows[0]) : null;
  }

  async unit(rolloutId: string, gatewayId: string): Promise<RolloutUnit | null> {
    const r = await this.db.sql.query<Row>(
      'SELECT * FROM update_rollout_units WHERE rollout_id = $1 AND gateway_id = $2',
      [rolloutId, gatewayId],
    );
    return r.rows[0] ? unitOf(r.rows[0]) : null;
  }

  async setUnit(rolloutId: string, gatewayId: string, patch: UnitPatch, now: number): Promise<void> {
    await this.db.sql.query(
      `UPDATE update_rollout_units SET state = $1, reason = COALESCE($2, reason),
         running_version = COALESCE($3, running_version), transaction_id = COALESCE($4, transaction_id),
         offered_at = COALESCE($5, offered_at), updated_at = $6
       WHERE rollout_id = $7 AND gateway_id = $8`,
      [
        patch.state,
        patch.reason ?? null,
        patch.runningVersion ?? null,
        patch.transactionId ?? null,
        patch.offeredAt ?? null,
        now,
        rolloutId,
        gatewayId,
      ],
    );
  }

  async counts(rolloutId: string): Promise<UnitCounts> {
    const out = Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as UnitCounts;
    const r = await this.db.sql.query<{ state: keyof UnitCounts; n: number }>(
      'SELECT state, COUNT(*) AS n FROM update_rollout_units WHERE rollout_id = $1 GROUP BY state',
      [rolloutId],
    );
    for (const row of r.rows) out[row.state] = row.n;
    return out;
  }

  async acceptedFailures(rolloutId: string): Promise<number> {
    const r = await this.db.sql.query<{ n: number }>(
      'SELECT failures_accepted AS n FROM update_rollouts WHERE id = $1',
      [rolloutId],
    );
    return r.rows[0]?.n ?? 0;
  }

  async acceptFailures(rolloutId: string, n: number): Promise<void> {
    await this.db.sql.query('UPDATE update_rollouts SET failures_accepted = $1 WHERE id = $2', [
      n,
      rolloutId,
    ]);
  }
}
