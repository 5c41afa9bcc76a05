import type { Db } from '../../store/database.js';
import { type SqliteHandle, sqliteHandle } from '../../store/sqlite-async.js';
import type {
  AccessStores,
  KeysafeAuditAnchor,
  KeysafeCommandStore,
  KeysafeStateStore,
  KeysafeStateView,
  StoredCommand,
} from './access-stores.js';
import type { CommandStatus } from './keysafe-link.js';
import { SqliteAccessAlertStore } from './sqlite-access-alerts.js';
import {
  SqliteAccessBlockStore,
  SqliteAccessGatewayStore,
  SqliteAccessSettingsStore,
  SqliteSeenEventStore,
} from './sqlite-access-small-stores.js';
import { SqliteKeysafeKeyStore } from './sqlite-keysafe-keys.js';
import { SqliteReleaseStore } from './sqlite-release-store.js';

/** The SQLite binding of {@link KeysafeStateStore} (`keysafe_state`). */
export class SqliteKeysafeStateStore implements KeysafeStateStore {
  constructor(private readonly db: Db) {}

  async ensure(deviceId: string): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO keysafe_state (device_id) VALUES (?)').run(deviceId);
  }

  async get(deviceId: string): Promise<KeysafeStateView | undefined> {
    const st = this.db.prepare('SELECT * FROM keysafe_state WHERE device_id = ?').get(deviceId) as
      | Record<string, number | null>
      | undefined;
    if (!st) return undefined;
    return {
      clockOffsetMs: st['clock_offset_ms'] ?? null,
      clockReportedAt: st['clock_reported_at'] ?? null,
      auditAnchorSeq: st['audit_anchor_seq'] ?? 0,
    };
  }

  async clockOffsetMs(deviceId: string): Promise<number | null> {
    const r = this.db
      .prepare('SELECT clock_offset_ms FROM keysafe_state WHERE device_id = ?')
      .get(deviceId) as { clock_offset_ms: number | null } | undefined;
    return r?.clock_offset_ms ?? null;
  }

  async setClock(deviceId: string, offsetMs: number, at: number): Promise<void> {
    this.db
      .prepare('UPDATE keysafe_state SET clock_offset_ms = ?, clock_reported_at = ? WHERE device_id = ?')
      .run(offsetMs, at, deviceId);
  }

  async nextOfflineGeneration(deviceId: string): Promise<number> {
    await this.ensure(deviceId);
    return (
      this.db
        .prepare(
          'UPDATE keysafe_state SET offline_generation = offline_generation + 1 WHERE device_id = ? RETURNING offline_generation AS g',
        )
        .get(deviceId) as { g: number }
    ).g;
  }

  async offlineDeliveredGeneration(deviceId: string): Promise<number | null> {
    const r = this.db
      .prepare('SELECT offline_delivered_generation AS g FROM keysafe_state WHERE device_id = ?')
      .get(deviceId) as { g: number | null } | undefined;
    return r?.g ?? null;
  }

  async markOfflineDelivered(deviceId: string, generation: number): Promise<void> {
    this.db
      .prepare(
        'UPDATE keysafe_state SET offline_delivered_generation = MAX(COALESCE(offline_delivered_generation, 0), ?) WHERE device_id = ?',
      )
      .run(generation, deviceId);
  }

  async auditAnchor(deviceId: string): Promise<KeysafeAuditAnchor | undefined> {
    return this.db
      .prepare(
        'SELECT audit_anchor_seq AS seq, audit_anchor_mac AS macHex FROM keysafe_state WHERE device_id = ?',
      )
      .get(deviceId) as KeysafeAuditAnchor | undefined;
  }

  async setAuditAnchor(deviceId: string, anchor: KeysafeAuditAnchor): Promise<void> {
    this.db
      .prepare('UPDATE keysafe_state SET audit_anchor_seq = ?, audit_anchor_mac = ? WHERE device_id = ?')
      .run(anchor.seq, anchor.macHex, deviceId);
  }
}

export interface CmdRow {
  id: string;
  device_id: string;
  kind: string;
  params: string;
  purpose: string;
  release_id: string | null;
  created_at: number;
  status: CommandStatus;
  sent_at: number | null;
  result_at: number | null;
  result_reason: string | null;
}
export const toCmd = (r: CmdRow): StoredCommand => ({
  id: r.id,
  deviceId: r.device_id,
  kind: r.kind,
  purpose: r.purpose,
  releaseId: r.release_id,
  createdAt: r.created_at,
  status: r.status,
  sentAt: r.sent_at,
  resultAt: r.result_at,
  resultReason: r.result_reason,
  params: JSON.parse(r.params) as unknown,
});

const UNFINISHED = "status IN ('pending','sent')";

/** The SQLite binding of {@link KeysafeCommandStore} (`keysafe_commands`). */
export class SqliteKeysafeCommandStore implements KeysafeCommandStore {
  constructor(private readonly db: Db) {}

  async insert(c: Parameters<KeysafeCommandStore['insert']>[0]): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO keysafe_commands (id, device_id, kind, params, purpose, release_id, created_at, status)
         VALUES (?,?,?,?,?,?,?, 'pending')`,
      )
      .run(c.id, c.deviceId, c.kind, JSON.stringify(c.params), c.purpose, c.releaseId, c.createdAt);
  }

  async get(id: string): Promise<StoredCommand | null> {
    const r = this.db.prepare('SELECT * FROM keysafe_commands WHERE id = ?').get(id) as CmdRow | undefined;
    return r ? toCmd(r) : null;
  }

  async pending(deviceId: string): Promise<StoredCommand[]> {
    return (
      this.db
        .prepare(
          "SELECT * FROM keysafe_commands WHERE device_id = ? AND status = 'pending' ORDER BY created_at, rowid",
        )
        .all(deviceId) as CmdRow[]
    ).map(toCmd);
  }

  async unfinished(deviceId?: string): Promise<StoredCommand[]> {
    const rows = (
      deviceId
        ? this.db
            .prepare(
              `SELECT * FROM keysafe_commands WHERE ${UNFINISHED} AND device_id = ? ORDER BY created_at, rowid`,
            )
            .all(deviceId)
        : this.db
            .prepare(`SELECT * FROM keysafe_commands WHERE ${UNFINISHED} ORDER BY created_at, rowid`)
            .all()
    ) as CmdRow[];
    return rows.map(toCmd);
  }

  async markSent(id: string, counter: number, at: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          "UPDATE keysafe_commands SET status = 'sent', counter = ?, sent_at = ? WHERE id = ? AND status = 'pending'",
        )
        .run(counter, at, id).changes > 0
    );
  }

  async markPending(id: string): Promise<boolean> {
    return (
      this.db
        .prepare("UPDATE keysafe_commands SET status = 'pending' WHERE id = ? AND status = 'sent'")
        .run(id).changes > 0
    );
  }

  async setResult(
    id: string,
    status: CommandStatus,
    at: number,
    reason: string,
    from: readonly CommandStatus[],
  ): Promise<boolean> {
    if (from.length === 0) return false;
    return (
      this.db
        .prepare(
          `UPDATE keysafe_commands SET status = ?, result_at = ?, result_reason = ?
           WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`,
        )
        .run(status, at, reason, id, ...from).changes > 0
    );
  }

  async dropPendingOfflineKeys(deviceId: string): Promise<void> {
    this.db
      .prepare(
        "UPDATE keysafe_commands SET status = 'dropped' WHERE device_id = ? AND purpose IN ('offline_key','rotate_offline_key') AND status = 'pending'",
      )
      .run(deviceId);
  }

  async hasUnfinishedTimeSync(deviceId: string): Promise<boolean> {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM keysafe_commands WHERE device_id = ? AND kind = 'time_sync' AND ${UNFINISHED}`,
        )
        .get(deviceId) !== undefined
    );
  }

  async setCodeOfIssue(
    deviceId: string,
    counter: bigint,
  ): Promise<{ releaseId: string | null; purpose: string } | null> {
    if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const r = this.db
      .prepare(
        "SELECT release_id, purpose FROM keysafe_commands WHERE device_id = ? AND counter = ? AND kind = 'set_code' ORDER BY sent_at DESC LIMIT 1",
      )
      .get(deviceId, Number(counter)) as { release_id: string | null; purpose: string } | undefined;
    return r ? { releaseId: r.release_id, purpose: r.purpose } : null;
  }

  async latestForRelease(
    releaseId: string,
  ): Promise<{ status: CommandStatus; resultReason: string | null } | undefined> {
    const r = this.db
      .prepare(
        'SELECT status, result_reason FROM keysafe_commands WHERE release_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(releaseId) as { status: CommandStatus; result_reason: string | null } | undefined;
    return r ? { status: r.status, resultReason: r.result_reason } : undefined;
  }

  async purgeFinishedBefore(cutoff: number): Promise<number> {
    return this.db
      .prepare(`DELETE FROM keysafe_commands WHERE created_at < ? AND NOT ${UNFINISHED}`)
      .run(cutoff).changes;
  }
}

/** Every access store over one SQLite connection, without `transaction`. */
function storesOver(db: Db): Omit<AccessStores, 'transaction'> {
  return {
    keysafeState: new SqliteKeysafeStateStore(db),
    commands: new SqliteKeysafeCommandStore(db),
    gateways: new SqliteAccessGatewayStore(db),
    blocks: new SqliteAccessBlockStore(db),
    seenEvents: new SqliteSeenEventStore(db),
    settings: new SqliteAccessSettingsStore(db),
    alerts: new SqliteAccessAlertStore(db),
    releases: new SqliteReleaseStore(db),
    keys: new SqliteKeysafeKeyStore(db),
  };
}

/**
 * A store whose every call goes through `h.run`: it waits while another caller's transaction is
 * open instead of joining it. The store's methods must run whole in one turn (no `await` inside).
 */
export function gated<T extends object>(store: T, h: SqliteHandle): T {
  return new Proxy(store, {
    get(target, key) {
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function'
        ? (...args: unknown[]) => h.run(() => (v as (...a: unknown[]) => unknown).apply(target, args))
        : v;
    },
  });
}

/** The stores of one transaction (`tx`): they run their statements at once, inside it. */
function inTransaction(db: Db, tx: SqliteHandle): AccessStores {
  return {
    ...storesOver(db),
    transaction: (fn) => tx.transaction(() => fn(inTransaction(db, tx))),
  };
}

/**
 * Every access store over one SQLite database, on the connection's shared async handle
 * (`store/sqlite-async.ts`, store README "Async stores on SQLite"): a call waits while another
 * caller's transaction is open instead of joining it, and `transaction(fn)` queues with every other
 * async transaction of the connection (the audit chain's too), handing `fn` stores that run inside it.
 */
export function sqliteAccessStores(db: Db): AccessStores {
  const h = sqliteHandle(db);
  const shared = storesOver(db);
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(shared)) out[k] = gated(v as object, h);
  return {
    ...(out as Omit<AccessStores, 'transaction'>),
    transaction: (fn) => h.transaction((tx) => fn(inTransaction(db, tx))),
  };
}
