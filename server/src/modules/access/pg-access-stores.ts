import type { PgHandle } from '../../store/pg/pg-database.js';
import type {
  AccessStores,
  KeysafeAuditAnchor,
  KeysafeCommandStore,
  KeysafeStateStore,
  KeysafeStateView,
  StoredCommand,
} from './access-stores.js';
import type { CommandStatus } from './keysafe-link.js';
import {
  PgAccessAlertStore,
  PgAccessBlockStore,
  PgAccessGatewayStore,
  PgAccessSettingsStore,
  PgSeenEventStore,
} from './pg-access-small-stores.js';
import { PgKeysafeKeyStore } from './pg-keysafe-keys.js';
import { PgReleaseStore } from './pg-release-store.js';
import { type CmdRow, toCmd } from './sqlite-access-stores.js';

/** The PostgreSQL binding of {@link KeysafeStateStore} (`keysafe_state`). */
export class PgKeysafeStateStore implements KeysafeStateStore {
  constructor(private readonly db: PgHandle) {}

  async ensure(deviceId: string): Promise<void> {
    await this.db.sql.query('INSERT INTO keysafe_state (device_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      deviceId,
    ]);
  }

  async get(deviceId: string): Promise<KeysafeStateView | undefined> {
    const r = await this.db.sql.query<{ o: number | null; t: number | null; s: number }>(
      'SELECT clock_offset_ms AS o, clock_reported_at AS t, audit_anchor_seq AS s FROM keysafe_state WHERE device_id = $1',
      [deviceId],
    );
    const st = r.rows[0];
    return st ? { clockOffsetMs: st.o, clockReportedAt: st.t, auditAnchorSeq: st.s } : undefined;
  }

  async clockOffsetMs(deviceId: string): Promise<number | null> {
    const r = await this.db.sql.query<{ o: number | null }>(
      'SELECT clock_offset_ms AS o FROM keysafe_state WHERE device_id = $1',
      [deviceId],
    );
    return r.rows[0]?.o ?? null;
  }

  async setClock(deviceId: string, offsetMs: number, at: number): Promise<void> {
    await this.db.sql.query(
      'UPDATE keysafe_state SET clock_offset_ms = $1, clock_reported_at = $2 WHERE device_id = $3',
      [offsetMs, at, deviceId],
    );
  }

  // One statement: concurrent rotations get distinct generations.
  async nextOfflineGeneration(deviceId: string): Promise<number> {
    const r = await this.db.sql.query<{ g: number }>(
      `INSERT INTO keysafe_state (device_id, offline_generation) VALUES ($1, 1)
       ON CONFLICT (device_id) DO UPDATE SET offline_generation = keysafe_state.offline_generation + 1
       RETURNING offline_generation AS g`,
      [deviceId],
    );
    return r.rows[0]!.g;
  }

  async offlineDeliveredGeneration(deviceId: string): Promise<number | null> {
    const r = await this.db.sql.query<{ g: number | null }>(
      'SELECT offline_delivered_generation AS g FROM keysafe_state WHERE device_id = $1',
      [deviceId],
    );
    return r.rows[0]?.g ?? null;
  }

  async markOfflineDelivered(deviceId: string, generation: number): Promise<void> {
    await this.db.sql.query(
      `UPDATE keysafe_state SET offline_delivered_generation = GREATEST(COALESCE(offline_delivered_generation, 0), $1)
       WHERE device_id = $2`,
      [generation, deviceId],
    );
  }

  async auditAnchor(deviceId: string): Promise<KeysafeAuditAnchor | undefined> {
    const r = await this.db.sql.query<KeysafeAuditAnchor>(
      'SELECT audit_anchor_seq AS seq, audit_anchor_mac AS "macHex" FROM keysafe_state WHERE device_id = $1',
      [deviceId],
    );
    return r.rows[0];
  }

  async setAuditAnchor(deviceId: string, anchor: KeysafeAuditAnchor): Promise<void> {
    await this.db.sql.query(
      'UPDATE keysafe_state SET audit_anchor_seq = $1, audit_anchor_mac = $2 WHERE device_id = $3',
      [anchor.seq, anchor.macHex, deviceId],
    );
  }
}

const UNFINISHED = "status IN ('pending','sent')";
const COLS =
  'id, device_id, kind, params, purpose, release_id, created_at, status, sent_at, result_at, result_reason';

/** The PostgreSQL binding of {@link KeysafeCommandStore} (`keysafe_commands`). */
export class PgKeysafeCommandStore implements KeysafeCommandStore {
  constructor(private readonly db: PgHandle) {}

  async insert(c: Parameters<KeysafeCommandStore['insert']>[0]): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO keysafe_commands (id, device_id, kind, params, purpose, release_id, created_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
      [c.id, c.deviceId, c.kind, JSON.stringify(c.params), c.purpose, c.releaseId, c.createdAt],
    );
  }

  async get(id: string): Promise<StoredCommand | null> {
    const r = await this.db.sql.query<CmdRow>(`SELECT ${COLS} FROM keysafe_commands WHERE id = $1`, [id]);
    return r.rows[0] ? toCmd(r.rows[0]) : null;
  }

  async pending(deviceId: string): Promise<StoredCommand[]> {
    const r = await this.db.sql.query<CmdRow>(
      `SELECT ${COLS} FROM keysafe_commands WHERE device_id = $1 AND status = 'pending' ORDER BY created_at, seq`,
      [deviceId],
    );
    return r.rows.map(toCmd);
  }

  async unfinished(deviceId?: string): Promise<StoredCommand[]> {
    const r =
      deviceId === undefined
        ? await this.db.sql.query<CmdRow>(
            `SELECT ${COLS} FROM keysafe_commands WHERE ${UNFINISHED} ORDER BY created_at, seq`,
          )
        : await this.db.sql.query<CmdRow>(
            `SELECT ${COLS} FROM keysafe_commands WHERE ${UNFINISHED} AND device_id = $1 ORDER BY created_at, seq`,
            [deviceId],
          );
    return r.rows.map(toCmd);
  }

  async markSent(id: string, counter: number, at: number): Promise<boolean> {
    const r = await this.db.sql.query(
      "UPDATE keysafe_commands SET status = 'sent', counter = $1, sent_at = $2 WHERE id = $3 AND status = 'pending'",
      [counter, at, id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async markPending(id: string): Promise<boolean> {
    const r = await this.db.sql.query(
      "UPDATE keysafe_commands SET status = 'pending' WHERE id = $1 AND status = 'sent'",
      [id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async setResult(
    id: string,
    status: CommandStatus,
    at: number,
    reason: string,
    from: readonly CommandStatus[],
  ): Promise<boolean> {
    const r = await this.db.sql.query(
      `UPDATE keysafe_commands SET status = $1, result_at = $2, result_reason = $3
       WHERE id = $4 AND status = ANY($5::text[])`,
      [status, at, reason, id, [...from]],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async dropPendingOfflineKeys(deviceId: string): Promise<void> {
    await this.db.sql.query(
      `UPDATE keysafe_commands SET status = 'dropped' WHERE device_id = $1
       AND purpose IN ('offline_key','rotate_offline_key') AND status = 'pending'`,
      [deviceId],
    );
  }

  async hasUnfinishedTimeSync(deviceId: string): Promise<boolean> {
    const r = await this.db.sql.query(
      `SELECT 1 FROM keysafe_commands WHERE device_id = $1 AND kind = 'time_sync' AND ${UNFINISHED} LIMIT 1`,
      [deviceId],
    );
    return r.rows.length > 0;
  }

  async setCodeOfIssue(
    deviceId: string,
    counter: bigint,
  ): Promise<{ releaseId: string | null; purpose: string } | null> {
    if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const r = await this.db.sql.query<{ release_id: string | null; purpose: string }>(
      `SELECT release_id, purpose FROM keysafe_commands WHERE device_id = $1 AND counter = $2 AND kind = 'set_code'
       ORDER BY sent_at DESC NULLS LAST, seq DESC LIMIT 1`,
      [deviceId, Number(counter)],
    );
    const row = r.rows[0];
    return row ? { releaseId: row.release_id, purpose: row.purpose } : null;
  }

  async latestForRelease(
    releaseId: string,
  ): Promise<{ status: CommandStatus; resultReason: string | null } | undefined> {
    const r = await this.db.sql.query<{ status: CommandStatus; result_reason: string | null }>(
      'SELECT status, result_reason FROM keysafe_commands WHERE release_id = $1 ORDER BY created_at DESC, seq DESC LIMIT 1',
      [releaseId],
    );
    const row = r.rows[0];
    return row ? { status: row.status, resultReason: row.result_reason } : undefined;
  }

  async purgeFinishedBefore(cutoff: number): Promise<number> {
    const r = await this.db.sql.query(
      `DELETE FROM keysafe_commands WHERE created_at < $1 AND NOT ${UNFINISHED}`,
      [cutoff],
    );
    return r.rowCount ?? 0;
  }
}

/**
 * Every access store over a PostgreSQL pool or one transaction's handle; `transaction(fn)` hands
 * `fn` the stores bound to that transaction's connection (nested calls are savepoints).
 */
export function pgAccessStores(db: PgHandle): AccessStores {
  return {
    keysafeState: new PgKeysafeStateStore(db),
    commands: new PgKeysafeCommandStore(db),
    gateways: new PgAccessGatewayStore(db),
    blocks: new PgAccessBlockStore(db),
    seenEvents: new PgSeenEventStore(db),
    settings: new PgAccessSettingsStore(db),
    alerts: new PgAccessAlertStore(db),
    releases: new PgReleaseStore(db),
    keys: new PgKeysafeKeyStore(db),
    transaction: (fn) => db.transaction((tx) => fn(pgAccessStores(tx))),
  };
}
