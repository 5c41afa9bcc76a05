import type { PgHandle } from '../../store/pg/pg-database.js';
import {
  type AccessBlockStore,
  type AccessGatewayStore,
  type AccessSettingsStore,
  lastOnlineStates,
  type OnlineState,
  type SeenEventStore,
} from './access-stores.js';
import type { AccessAlertStore } from './alert-store.js';
import type { AccessAlert, AlertKind } from './alerts.js';
import type { AccessBlock, BlockScope } from './revocation.js';
import type { AccessSettings } from './settings.js';
import { mergeSettings, toBlock } from './sqlite-access-small-stores.js';

const changed = (r: { rowCount: number | null }) => (r.rowCount ?? 0) > 0;

/** The PostgreSQL binding of {@link AccessGatewayStore} (`access_gateway_state`, `gateways`). */
export class PgAccessGatewayStore implements AccessGatewayStore {
  constructor(private readonly db: PgHandle) {}

  async setOnline(gatewayId: string, online: boolean, at: number): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO access_gateway_state (gateway_id, online, at) VALUES ($1, $2, $3)
       ON CONFLICT (gateway_id) DO UPDATE SET online = excluded.online, at = excluded.at`,
      [gatewayId, online, at],
    );
  }

  async setOnlineAll(states: readonly OnlineState[]): Promise<void> {
    const rows = lastOnlineStates(states);
    if (rows.length === 0) return;
    await this.db.sql.query(
      `INSERT INTO access_gateway_state (gateway_id, online, at)
       SELECT * FROM unnest($1::text[], $2::boolean[], $3::bigint[])
       ON CONFLICT (gateway_id) DO UPDATE SET online = excluded.online, at = excluded.at`,
      [rows.map((r) => r.gatewayId), rows.map((r) => r.online), rows.map((r) => r.at)],
    );
  }

  async isOnline(gatewayId: string): Promise<boolean> {
    const r = await this.db.sql.query<{ online: boolean }>(
      'SELECT online FROM access_gateway_state WHERE gateway_id = $1',
      [gatewayId],
    );
    return r.rows[0]?.online === true;
  }

  async latestOfHome(homeId: string): Promise<string | null> {
    const r = await this.db.sql.query<{ id: string }>(
      `SELECT id FROM gateways WHERE home_id = $1 AND revoked_at IS NULL
       ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT 1`,
      [homeId],
    );
    return r.rows[0]?.id ?? null;
  }
}

/** The PostgreSQL binding of {@link AccessBlockStore} (`access_blocks`). */
export class PgAccessBlockStore implements AccessBlockStore {
  constructor(private readonly db: PgHandle) {}

  async insert(
    b: Pick<AccessBlock, 'id' | 'scope' | 'target' | 'reason' | 'createdBy' | 'createdAt'>,
  ): Promise<void> {
    await this.db.sql.query(
      'INSERT INTO access_blocks (id, scope, target, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [b.id, b.scope, b.target, b.reason, b.createdBy, b.createdAt],
    );
  }

  async lift(id: string, at: number, by: string): Promise<void> {
    await this.db.sql.query(
      'UPDATE access_blocks SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND lifted_at IS NULL',
      [at, by, id],
    );
  }

  async get(id: string): Promise<AccessBlock | null> {
    const r = await this.db.sql.query('SELECT * FROM access_blocks WHERE id = $1', [id]);
    return r.rows[0] ? toBlock(r.rows[0]) : null;
  }

  async list(activeOnly: boolean): Promise<AccessBlock[]> {
    const r = await this.db.sql.query(
      `SELECT * FROM access_blocks ${activeOnly ? 'WHERE lifted_at IS NULL' : ''}
       ORDER BY created_at DESC, id COLLATE "C" DESC`,
    );
    return r.rows.map(toBlock);
  }

  async isActive(scope: BlockScope, target: string): Promise<boolean> {
    const r = await this.db.sql.query(
      'SELECT 1 FROM access_blocks WHERE scope = $1 AND target = $2 AND lifted_at IS NULL LIMIT 1',
      [scope, target],
    );
    return r.rows.length > 0;
  }
}

/** The PostgreSQL binding of {@link SeenEventStore} (`access_seen_events`). */
export class PgSeenEventStore implements SeenEventStore {
  constructor(private readonly db: PgHandle) {}

  async markSeen(eventId: string, at: number): Promise<boolean> {
    return changed(
      await this.db.sql.query(
        'INSERT INTO access_seen_events (event_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [eventId, at],
      ),
    );
  }

  async purgeBefore(cutoff: number): Promise<number> {
    return (await this.db.sql.query('DELETE FROM access_seen_events WHERE at < $1', [cutoff])).rowCount ?? 0;
  }
}

/** The PostgreSQL binding of {@link AccessSettingsStore} (`access_settings`, one row). */
export class PgAccessSettingsStore implements AccessSettingsStore {
  constructor(private readonly db: PgHandle) {}

  async load(): Promise<AccessSettings> {
    const r = await this.db.sql.query<{ settings: string }>(
      'SELECT settings FROM access_settings WHERE id = 1',
    );
    return mergeSettings(r.rows[0]?.settings);
  }

  async save(s: AccessSettings): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO access_settings (id, settings) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET settings = excluded.settings`,
      [JSON.stringify(s)],
    );
  }
}

interface AlertRow {
  id: string;
  at: number;
  kind: AlertKind;
  subject: string;
  message: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

/** The PostgreSQL binding of {@link AccessAlertStore} (`access_alerts`). */
export class PgAccessAlertStore implements AccessAlertStore {
  constructor(private readonly db: PgHandle) {}

  async insert(a: Pick<AccessAlert, 'id' | 'at' | 'kind' | 'subject' | 'message'>): Promise<boolean> {
    return changed(
      await this.db.sql.query(
        `INSERT INTO access_alerts (id, at, kind, subject, message) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [a.id, a.at, a.kind, a.subject, a.message],
      ),
    );
  }

  async list(opts: { open?: boolean; limit: number }): Promise<AccessAlert[]> {
    const r = await this.db.sql.query<AlertRow>(
      `SELECT * FROM access_alerts ${opts.open ? 'WHERE acknowledged_at IS NULL' : ''}
       ORDER BY at DESC, id COLLATE "C" DESC LIMIT $1`,
      [opts.limit],
    );
    return r.rows.map((x) => ({
      id: x.id,
      at: x.at,
      kind: x.kind,
      subject: x.subject,
      message: x.message,
      acknowledgedAt: x.acknowledged_at,
      acknowledgedBy: x.acknowledged_by,
    }));
  }

  async acknowledge(id: string, by: string, at: number): Promise<boolean> {
    return changed(
      await this.db.sql.query(
        `UPDATE access_alerts SET acknowledged_at = $1, acknowledged_by = $2
         WHERE id = $3 AND acknowledged_at IS NULL`,
        [at, by, id],
      ),
    );
  }

  async kindOf(id: string): Promise<AlertKind | undefined> {
    const r = await this.db.sql.query<{ kind: AlertKind }>('SELECT kind FROM access_alerts WHERE id = $1', [
      id,
    ]);
    return r.rows[0]?.kind;
  }

  async purgeAcknowledgedBefore(cutoff: number): Promise<number> {
    const r = await this.db.sql.query(
      'DELETE FROM access_alerts WHERE at < $1 AND acknowledged_at IS NOT NULL',
      [cutoff],
    );
    return r.rowCount ?? 0;
  }

  async openingsWithoutReleaseAtHome(homeId: string): Promise<Array<{ at: number; message: string }>> {
    const r = await this.db.sql.query<{ at: number; message: string }>(
      `SELECT at, message FROM access_alerts WHERE kind = 'opening_without_release' AND subject IN
       (SELECT 'keysafe:' || id FROM devices WHERE home_id = $1) ORDER BY at DESC, id COLLATE "C" DESC LIMIT 100`,
      [homeId],
    );
    return r.rows;
  }
}
