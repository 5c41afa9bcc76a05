import { Value } from '@sinclair/typebox/value';
import type { Db } from '../../store/database.js';
import type {
  AccessBlockStore,
  AccessGatewayStore,
  AccessSettingsStore,
  AccessStores,
  KeysafeAuditAnchor,
  KeysafeCommandStore,
  KeysafeStateStore,
  KeysafeStateView,
  SeenEventStore,
  StoredCommand,
} from './access-stores.js';
import type { CommandStatus } from './keysafe-link.js';
import type { AccessBlock, BlockScope } from './revocation.js';
import { type AccessSettings, AccessSettingsSchema, DEFAULT_ACCESS_SETTINGS } from './settings.js';
import { SqliteAccessAlertStore } from './sqlite-access-alerts.js';

/** The SQLite binding of {@link KeysafeStateStore} (`keysafe_state`). */
export class SqliteKeysafeStateStore implements KeysafeStateStore {
  constructor(private readonly db: Db) {}

  ensure(deviceId: string): void {
    this.db.prepare('INSERT OR IGNORE INTO keysafe_state (device_id) VALUES (?)').run(deviceId);
  }

  get(deviceId: string): KeysafeStateView | undefined {
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

  clockOffsetMs(deviceId: string): number | null {
    const r = this.db
      .prepare('SELECT clock_offset_ms FROM keysafe_state WHERE device_id = ?')
      .get(deviceId) as { clock_offset_ms: number | null } | undefined;
    return r?.clock_offset_ms ?? null;
  }

  setClock(deviceId: string, offsetMs: number, at: number): void {
    this.db
      .prepare('UPDATE keysafe_state SET clock_offset_ms = ?, clock_reported_at = ? WHERE device_id = ?')
      .run(offsetMs, at, deviceId);
  }

  nextOfflineGeneration(deviceId: string): number {
    this.ensure(deviceId);
    this.db
      .prepare('UPDATE keysafe_state SET offline_generation = offline_generation + 1 WHERE device_id = ?')
      .run(deviceId);
    return (
      this.db
        .prepare('SELECT offline_generation AS g FROM keysafe_state WHERE device_id = ?')
        .get(deviceId) as {
        g: number;
      }
    ).g;
  }

  offlineDeliveredGeneration(deviceId: string): number | null {
    const r = this.db
      .prepare('SELECT offline_delivered_generation AS g FROM keysafe_state WHERE device_id = ?')
      .get(deviceId) as { g: number | null } | undefined;
    return r?.g ?? null;
  }

  markOfflineDelivered(deviceId: string, generation: number): void {
    this.db
      .prepare(
        'UPDATE keysafe_state SET offline_delivered_generation = MAX(COALESCE(offline_delivered_generation, 0), ?) WHERE device_id = ?',
      )
      .run(generation, deviceId);
  }

  auditAnchor(deviceId: string): KeysafeAuditAnchor | undefined {
    return this.db
      .prepare(
        'SELECT audit_anchor_seq AS seq, audit_anchor_mac AS macHex FROM keysafe_state WHERE device_id = ?',
      )
      .get(deviceId) as KeysafeAuditAnchor | undefined;
  }

  setAuditAnchor(deviceId: string, anchor: KeysafeAuditAnchor): void {
    this.db
      .prepare('UPDATE keysafe_state SET audit_anchor_seq = ?, audit_anchor_mac = ? WHERE device_id = ?')
      .run(anchor.seq, anchor.macHex, deviceId);
  }
}

interface CmdRow {
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
const toCmd = (r: CmdRow): StoredCommand => ({
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

/** The SQLite binding of {@link KeysafeCommandStore} (`keysafe_commands`). */
export class SqliteKeysafeCommandStore implements KeysafeCommandStore {
  constructor(private readonly db: Db) {}

  insert(c: Parameters<KeysafeCommandStore['insert']>[0]): void {
    this.db
      .prepare(
        `INSERT INTO keysafe_commands (id, device_id, kind, params, purpose, release_id, created_at, status)
         VALUES (?,?,?,?,?,?,?, 'pending')`,
      )
      .run(c.id, c.deviceId, c.kind, JSON.stringify(c.params), c.purpose, c.releaseId, c.createdAt);
  }

  get(id: string): StoredCommand | null {
    const r = this.db.prepare('SELECT * FROM keysafe_commands WHERE id = ?').get(id) as CmdRow | undefined;
    return r ? toCmd(r) : null;
  }

  pending(deviceId: string): StoredCommand[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM keysafe_commands WHERE device_id = ? AND status = 'pending' ORDER BY created_at",
        )
        .all(deviceId) as CmdRow[]
    ).map(toCmd);
  }

  unfinished(deviceId?: string): StoredCommand[] {
    const rows = (
      deviceId
        ? this.db
            .prepare(
              "SELECT * FROM keysafe_commands WHERE status IN ('pending','sent') AND device_id = ? ORDER BY created_at",
            )
            .all(deviceId)
        : this.db
            .prepare("SELECT * FROM keysafe_commands WHERE status IN ('pending','sent') ORDER BY created_at")
            .all()
    ) as CmdRow[];
    return rows.map(toCmd);
  }

  markSent(id: string, counter: number, at: number): void {
    this.db
      .prepare("UPDATE keysafe_commands SET status = 'sent', counter = ?, sent_at = ? WHERE id = ?")
      .run(counter, at, id);
  }

  markPending(id: string): void {
    this.db.prepare("UPDATE keysafe_commands SET status = 'pending' WHERE id = ?").run(id);
  }

  setResult(id: string, status: CommandStatus, at: number, reason: string): void {
    this.db
      .prepare('UPDATE keysafe_commands SET status = ?, result_at = ?, result_reason = ? WHERE id = ?')
      .run(status, at, reason, id);
  }

  dropPendingOfflineKeys(deviceId: string): void {
    this.db
      .prepare(
        "UPDATE keysafe_commands SET status = 'dropped' WHERE device_id = ? AND purpose IN ('offline_key','rotate_offline_key') AND status = 'pending'",
      )
      .run(deviceId);
  }

  hasUnfinishedTimeSync(deviceId: string): boolean {
    return (
      this.db
        .prepare(
          "SELECT 1 FROM keysafe_commands WHERE device_id = ? AND kind = 'time_sync' AND status IN ('pending','sent')",
        )
        .get(deviceId) !== undefined
    );
  }

  setCodeOfIssue(deviceId: string, counter: bigint): { releaseId: string | null; purpose: string } | null {
    if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const r = this.db
      .prepare(
        "SELECT release_id, purpose FROM keysafe_commands WHERE device_id = ? AND counter = ? AND kind = 'set_code' ORDER BY sent_at DESC LIMIT 1",
      )
      .get(deviceId, Number(counter)) as { release_id: string | null; purpose: string } | undefined;
    return r ? { releaseId: r.release_id, purpose: r.purpose } : null;
  }

  latestForRelease(releaseId: string): { status: CommandStatus; resultReason: string | null } | undefined {
    const r = this.db
      .prepare(
        'SELECT status, result_reason FROM keysafe_commands WHERE release_id = ? ORDER BY created_at DESC LIMIT 1',
      )
      .get(releaseId) as { status: CommandStatus; result_reason: string | null } | undefined;
    return r ? { status: r.status, resultReason: r.result_reason } : undefined;
  }

  purgeFinishedBefore(cutoff: number): number {
    return this.db
      .prepare("DELETE FROM keysafe_commands WHERE created_at < ? AND status NOT IN ('pending','sent')")
      .run(cutoff).changes;
  }
}

/** The SQLite binding of {@link AccessGatewayStore} (`access_gateway_state`, `gateways`). */
export class SqliteAccessGatewayStore implements AccessGatewayStore {
  constructor(private readonly db: Db) {}

  setOnline(gatewayId: string, online: boolean, at: number): void {
    this.db
      .prepare(
        `INSERT INTO access_gateway_state (gateway_id, online, at) VALUES (?,?,?)
         ON CONFLICT(gateway_id) DO UPDATE SET online = excluded.online, at = excluded.at`,
      )
      .run(gatewayId, online ? 1 : 0, at);
  }

  isOnline(gatewayId: string): boolean {
    const r = this.db
      .prepare('SELECT online FROM access_gateway_state WHERE gateway_id = ?')
      .get(gatewayId) as { online: number } | undefined;
    return r?.online === 1;
  }

  latestOfHome(homeId: string): string | null {
    const r = this.db
      .prepare(
        'SELECT id FROM gateways WHERE home_id = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1',
      )
      .get(homeId) as { id: string } | undefined;
    return r?.id ?? null;
  }
}

const toBlock = (r: Record<string, unknown>): AccessBlock => ({
  id: r['id'] as string,
  scope: r['scope'] as BlockScope,
  target: r['target'] as string,
  reason: r['reason'] as string,
  createdBy: r['created_by'] as string,
  createdAt: r['created_at'] as number,
  liftedAt: (r['lifted_at'] as number | null) ?? null,
  liftedBy: (r['lifted_by'] as string | null) ?? null,
});

/** The SQLite binding of {@link AccessBlockStore} (`access_blocks`). */
export class SqliteAccessBlockStore implements AccessBlockStore {
  constructor(private readonly db: Db) {}

  insert(b: Pick<AccessBlock, 'id' | 'scope' | 'target' | 'reason' | 'createdBy' | 'createdAt'>): void {
    this.db
      .prepare(
        'INSERT INTO access_blocks (id, scope, target, reason, created_by, created_at) VALUES (?,?,?,?,?,?)',
      )
      .run(b.id, b.scope, b.target, b.reason, b.createdBy, b.createdAt);
  }

  lift(id: string, at: number, by: string): void {
    this.db.prepare('UPDATE access_blocks SET lifted_at = ?, lifted_by = ? WHERE id = ?').run(at, by, id);
  }

  get(id: string): AccessBlock | null {
    const r = this.db.prepare('SELECT * FROM access_blocks WHERE id = ?').get(id) as
      | Record<string, unknown>
      | undefined;
    return r ? toBlock(r) : null;
  }

  list(activeOnly: boolean): AccessBlock[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM access_blocks ${activeOnly ? 'WHERE lifted_at IS NULL' : ''} ORDER BY created_at DESC`,
      )
      .all() as Array<Record<string, unknown>>;
    return rows.map(toBlock);
  }

  isActive(scope: BlockScope, target: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM access_blocks WHERE scope = ? AND target = ? AND lifted_at IS NULL')
        .get(scope, target) !== undefined
    );
  }
}

/** The SQLite binding of {@link SeenEventStore} (`access_seen_events`). */
export class SqliteSeenEventStore implements SeenEventStore {
  constructor(private readonly db: Db) {}

  markSeen(eventId: string, at: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO access_seen_events (event_id, at) VALUES (?, ?)')
        .run(eventId, at).changes > 0
    );
  }

  purgeBefore(cutoff: number): number {
    return this.db.prepare('DELETE FROM access_seen_events WHERE at < ?').run(cutoff).changes;
  }
}

/** The SQLite binding of {@link AccessSettingsStore} (`access_settings`, one row). */
export class SqliteAccessSettingsStore implements AccessSettingsStore {
  constructor(private readonly db: Db) {}

  load(): AccessSettings {
    const r = this.db.prepare('SELECT settings FROM access_settings WHERE id = 1').get() as
      | { settings: string }
      | undefined;
    if (!r) return { ...DEFAULT_ACCESS_SETTINGS };
    const merged = { ...DEFAULT_ACCESS_SETTINGS, ...(JSON.parse(r.settings) as object) };
    return Value.Check(AccessSettingsSchema, merged) ? merged : { ...DEFAULT_ACCESS_SETTINGS };
  }

  save(s: AccessSettings): void {
    this.db
      .prepare(
        'INSERT INTO access_settings (id, settings) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET settings = excluded.settings',
      )
      .run(JSON.stringify(s));
  }
}

/** Every access store over one SQLite database. */
export function sqliteAccessStores(db: Db): AccessStores {
  return {
    keysafeState: new SqliteKeysafeStateStore(db),
    commands: new SqliteKeysafeCommandStore(db),
    gateways: new SqliteAccessGatewayStore(db),
    blocks: new SqliteAccessBlockStore(db),
    seenEvents: new SqliteSeenEventStore(db),
    settings: new SqliteAccessSettingsStore(db),
    alerts: new SqliteAccessAlertStore(db),
  };
}
