import { Value } from '@sinclair/typebox/value';
import type { Db } from '../../store/database.js';
import {
  type AccessBlockStore,
  type AccessGatewayStore,
  type AccessSettingsStore,
  lastOnlineStates,
  type OnlineState,
  type SeenEventStore,
} from './access-stores.js';
import type { AccessBlock, BlockScope } from './revocation.js';
import { type AccessSettings, AccessSettingsSchema, DEFAULT_ACCESS_SETTINGS } from './settings.js';

/** The SQLite binding of {@link AccessGatewayStore} (`access_gateway_state`, `gateways`). */
export class SqliteAccessGatewayStore implements AccessGatewayStore {
  constructor(private readonly db: Db) {}

  async setOnline(gatewayId: string, online: boolean, at: number): Promise<void> {
    this.setOnlineNow(gatewayId, online, at);
  }

  async setOnlineAll(states: readonly OnlineState[]): Promise<void> {
    this.setOnlineAllNow(states);
  }

  /** {@link setOnlineAll} on the ingest turn's synchronous path (see {@link setOnlineNow}). */
  setOnlineAllNow(states: readonly OnlineState[]): void {
    // in-process: no round trip to save, each row's statement in code-point order
    for (const s of lastOnlineStates(states)) this.setOnlineNow(s.gatewayId, s.online, s.at);
  }

  /**
   * The synchronous path for the ingest turn: an `availability` message is applied inside the
   * turn's SQLite transaction (store README, "One transaction per turn"), which cannot await.
   */
  setOnlineNow(gatewayId: string, online: boolean, at: number): void {
    this.db
      .prepare(
        `INSERT INTO access_gateway_state (gateway_id, online, at) VALUES (?,?,?)
         ON CONFLICT(gateway_id) DO UPDATE SET online = excluded.online, at = excluded.at`,
      )
      .run(gatewayId, online ? 1 : 0, at);
  }

  async isOnline(gatewayId: string): Promise<boolean> {
    const r = this.db
      .prepare('SELECT online FROM access_gateway_state WHERE gateway_id = ?')
      .get(gatewayId) as { online: number } | undefined;
    return r?.online === 1;
  }

  async latestOfHome(homeId: string): Promise<string | null> {
    const r = this.db
      .prepare(
        'SELECT id FROM gateways WHERE home_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
      )
      .get(homeId) as { id: string } | undefined;
    return r?.id ?? null;
  }
}

export const toBlock = (r: Record<string, unknown>): AccessBlock => ({
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

  async insert(
    b: Pick<AccessBlock, 'id' | 'scope' | 'target' | 'reason' | 'createdBy' | 'createdAt'>,
  ): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO access_blocks (id, scope, target, reason, created_by, created_at) VALUES (?,?,?,?,?,?)',
      )
      .run(b.id, b.scope, b.target, b.reason, b.createdBy, b.createdAt);
  }

  async lift(id: string, at: number, by: string): Promise<void> {
    this.db
      .prepare('UPDATE access_blocks SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL')
      .run(at, by, id);
  }

  async get(id: string): Promise<AccessBlock | null> {
    const r = this.db.prepare('SELECT * FROM access_blocks WHERE id = ?').get(id) as
      | Record<string, unknown>
      | undefined;
    return r ? toBlock(r) : null;
  }

  async list(activeOnly: boolean): Promise<AccessBlock[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM access_blocks ${activeOnly ? 'WHERE lifted_at IS NULL' : ''} ORDER BY created_at DESC, id DESC`,
      )
      .all() as Array<Record<string, unknown>>;
    return rows.map(toBlock);
  }

  async isActive(scope: BlockScope, target: string): Promise<boolean> {
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

  async markSeen(eventId: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO access_seen_events (event_id, at) VALUES (?, ?)')
        .run(eventId, at).changes > 0
    );
  }

  async purgeBefore(cutoff: number): Promise<number> {
    return this.db.prepare('DELETE FROM access_seen_events WHERE at < ?').run(cutoff).changes;
  }
}

/** Stored settings merged over the defaults (the defaults when absent or invalid). */
export function mergeSettings(stored: string | undefined): AccessSettings {
  if (stored === undefined) return { ...DEFAULT_ACCESS_SETTINGS };
  const merged = { ...DEFAULT_ACCESS_SETTINGS, ...(JSON.parse(stored) as object) };
  return Value.Check(AccessSettingsSchema, merged) ? merged : { ...DEFAULT_ACCESS_SETTINGS };
}

/** The SQLite binding of {@link AccessSettingsStore} (`access_settings`, one row). */
export class SqliteAccessSettingsStore implements AccessSettingsStore {
  constructor(private readonly db: Db) {}

  async load(): Promise<AccessSettings> {
    const r = this.db.prepare('SELECT settings FROM access_settings WHERE id = 1').get() as
      | { settings: string }
      | undefined;
    return mergeSettings(r?.settings);
  }

  async save(s: AccessSettings): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO access_settings (id, settings) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET settings = excluded.settings',
      )
      .run(JSON.stringify(s));
  }
}
