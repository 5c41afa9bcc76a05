import type { HeartbeatPayload } from '@baken/protocols';
import type { PgHandle, Sql } from '../../store/pg/pg-database.js';
import {
  DEVICE_COLUMNS,
  type DeviceRecord,
  GATEWAY_SELECT,
  heartbeatColumns,
  linkChangesAfter,
  toDevice,
} from './health-rows.js';
import {
  byCodePoint,
  type DeviceReport,
  type DeviceRow,
  type DeviceTouch,
  type GatewayRow,
  type LinkHistory,
  type StateStore,
  type StateWrites,
  touchSet,
} from './state-store.js';

const DEVICE_SELECT = `SELECT ${DEVICE_COLUMNS} FROM device_state`;
const BY_ID = 'g.id COLLATE "C"';
const BY_DEVICE = 'gateway_id COLLATE "C", device_id COLLATE "C"';
/**
 * How a device report updates its row, one report or a round of them: the last-seen time never
 * goes back, and a report without RSSI, battery or firmware keeps the values stored.
 */
const DEVICE_UPSERT = `ON CONFLICT (gateway_id, device_id) DO UPDATE SET kind = EXCLUDED.kind, link = EXCLUDED.link,
         last_seen_at = NULLIF(GREATEST(COALESCE(device_state.last_seen_at, 0), COALESCE(EXCLUDED.last_seen_at, 0)), 0),
         rssi = COALESCE(EXCLUDED.rssi, device_state.rssi), battery = COALESCE(EXCLUDED.battery, device_state.battery),
         firmware = COALESCE(EXCLUDED.firmware, device_state.firmware), link_changes = EXCLUDED.link_changes,
         updated_at = EXCLUDED.updated_at`;

/**
 * The PostgreSQL binding of {@link StateStore} (migration 050). Last-seen times are raised with
 * `GREATEST` in the upsert itself, so two instances writing one gateway in either order keep the
 * later time.
 */
export class PgStateStore implements StateStore {
  constructor(
    private readonly db: PgHandle,
    private readonly bucketMs: number,
    private readonly defaultIntervalS: number,
  ) {}

  async gateways(): Promise<GatewayRow[]> {
    return (await this.db.sql.query<GatewayRow>(`${GATEWAY_SELECT} ORDER BY ${BY_ID}`)).rows;
  }

  async gateway(id: string): Promise<GatewayRow | undefined> {
    return (await this.db.sql.query<GatewayRow>(`${GATEWAY_SELECT} AND g.id = $1`, [id])).rows[0];
  }

  async gatewaysIn(ids: readonly string[]): Promise<GatewayRow[]> {
    if (ids.length === 0) return [];
    return (await this.db.sql.query<GatewayRow>(`${GATEWAY_SELECT} AND g.id = ANY($1::text[])`, [[...ids]]))
      .rows;
  }

  async gatewaysOfHome(homeId: string): Promise<GatewayRow[]> {
    return (
      await this.db.sql.query<GatewayRow>(`${GATEWAY_SELECT} AND g.home_id = $1 ORDER BY ${BY_ID}`, [homeId])
    ).rows;
  }

  async devices(gatewayId?: string): Promise<DeviceRow[]> {
    const r =
      gatewayId === undefined
        ? await this.db.sql.query<DeviceRecord>(`${DEVICE_SELECT} ORDER BY ${BY_DEVICE}`)
        : await this.db.sql.query<DeviceRecord>(
            `${DEVICE_SELECT} WHERE gateway_id = $1 ORDER BY device_id COLLATE "C"`,
            [gatewayId],
          );
    return r.rows.map(toDevice);
  }

  async devicesIn(gatewayIds: readonly string[]): Promise<DeviceRow[]> {
    if (gatewayIds.length === 0) return [];
    const r = await this.db.sql.query<DeviceRecord>(
      `${DEVICE_SELECT} WHERE gateway_id = ANY($1::text[]) ORDER BY ${BY_DEVICE}`,
      [[...gatewayIds]],
    );
    return r.rows.map(toDevice);
  }

  device(gatewayId: string, deviceId: string): Promise<DeviceRow | undefined> {
    return deviceOf(this.db.sql, gatewayId, deviceId);
  }

  async touchGateway(gatewayId: string, at: number): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, updated_at) VALUES ($1, $2, $3, $2)
       ON CONFLICT (gateway_id) DO UPDATE SET
         last_seen_at = GREATEST(COALESCE(gateway_state.last_seen_at, 0), EXCLUDED.last_seen_at),
         updated_at = EXCLUDED.updated_at`,
      [gatewayId, at, this.defaultIntervalS],
    );
  }

  // One statement: the touch, the heartbeat's columns and the history bucket (a data-modifying CTE).
  async recordHeartbeat(gatewayId: string, hb: HeartbeatPayload, at: number): Promise<void> {
    await this.db.sql.query(
      `WITH hb AS (
         INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, software, uptime_s, mains, unit_battery,
           outbox_depth, outbox_oldest_age_s, clock_offset_ms, scan_running, scan_restarts, storage_state,
           storage_since, storage_memory_depth, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $2)
         ON CONFLICT (gateway_id) DO UPDATE SET
           last_seen_at = GREATEST(COALESCE(gateway_state.last_seen_at, 0), EXCLUDED.last_seen_at),
           interval_s = EXCLUDED.interval_s, software = EXCLUDED.software, uptime_s = EXCLUDED.uptime_s,
           mains = EXCLUDED.mains, unit_battery = EXCLUDED.unit_battery, outbox_depth = EXCLUDED.outbox_depth,
           outbox_oldest_age_s = EXCLUDED.outbox_oldest_age_s, clock_offset_ms = EXCLUDED.clock_offset_ms,
           scan_running = EXCLUDED.scan_running, scan_restarts = EXCLUDED.scan_restarts,
           storage_state = EXCLUDED.storage_state, storage_since = EXCLUDED.storage_since,
           storage_memory_depth = EXCLUDED.storage_memory_depth, updated_at = EXCLUDED.updated_at,
           availability = CASE WHEN gateway_state.availability = 'offline'
             AND COALESCE(gateway_state.availability_at, 0) <= $2 THEN 'online' ELSE gateway_state.availability END
         RETURNING 1)
       INSERT INTO gateway_buckets (gateway_id, bucket_start, heartbeats) VALUES ($1, $16, 1)
       ON CONFLICT (gateway_id, bucket_start) DO UPDATE SET heartbeats = gateway_buckets.heartbeats + 1`,
      [gatewayId, at, ...heartbeatColumns(hb), this.bucketOf(at)],
    );
  }

  async recordDevice(
    gatewayId: string,
    d: DeviceReport,
    at: number,
    flapWindowMs: number,
    known?: LinkHistory,
  ): Promise<{ before: LinkHistory | undefined; after: DeviceRow }> {
    const before = known ?? (await deviceOf(this.db.sql, gatewayId, d.deviceId));
    const changes = linkChangesAfter(before, d.link, at, flapWindowMs);
    const r = await this.db.sql.query<DeviceRecord>(
      `INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, rssi, battery, firmware,
         link_changes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ${DEVICE_UPSERT}
       RETURNING ${DEVICE_COLUMNS}`,
      [
        gatewayId,
        d.deviceId,
        d.kind,
        d.link,
        d.lastSeenAt,
        d.rssi,
        d.battery,
        d.firmware,
        JSON.stringify(changes),
        at,
      ],
    );
    return { before, after: toDevice(r.rows[0]!) };
  }

  async touchDevice(gatewayId: string, deviceId: string, kind: string, at: number): Promise<void> {
    await this.db.sql.query(
      `WITH gw AS (
         INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, updated_at) VALUES ($1, $4, $5, $4)
         ON CONFLICT (gateway_id) DO UPDATE SET
           last_seen_at = GREATEST(COALESCE(gateway_state.last_seen_at, 0), EXCLUDED.last_seen_at),
           updated_at = EXCLUDED.updated_at
         RETURNING 1)
       INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, updated_at)
       VALUES ($1, $2, $3, 'up', $4, $4)
       ON CONFLICT (gateway_id, device_id) DO UPDATE SET
         last_seen_at = GREATEST(COALESCE(device_state.last_seen_at, 0), EXCLUDED.last_seen_at),
         updated_at = EXCLUDED.updated_at`,
      [gatewayId, deviceId, kind, at, this.defaultIntervalS],
    );
  }

  // One statement for the turn: the gateways' upsert as a data-modifying CTE, then the devices'.
  async touchAll(gatewayIds: readonly string[], devices: readonly DeviceTouch[], at: number): Promise<void> {
    const t = touchSet(gatewayIds, devices);
    if (t.gateways.length === 0) return;
    await this.db.sql.query(
      `WITH gw AS (
         INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, updated_at)
         SELECT g, $2::bigint, $3::integer, $2::bigint FROM unnest($1::text[]) AS g
         ON CONFLICT (gateway_id) DO UPDATE SET
           last_seen_at = GREATEST(COALESCE(gateway_state.last_seen_at, 0), EXCLUDED.last_seen_at),
           updated_at = EXCLUDED.updated_at
         RETURNING 1)
       INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, updated_at)
       SELECT g, d, k, 'up', $2::bigint, $2::bigint FROM unnest($4::text[], $5::text[], $6::text[]) AS t(g, d, k)
       ON CONFLICT (gateway_id, device_id) DO UPDATE SET
         last_seen_at = GREATEST(COALESCE(device_state.last_seen_at, 0), EXCLUDED.last_seen_at),
         updated_at = EXCLUDED.updated_at`,
      [
        t.gateways,
        at,
        this.defaultIntervalS,
        t.devices.map((d) => d.gatewayId),
        t.devices.map((d) => d.deviceId),
        t.devices.map((d) => d.kind),
      ],
    );
  }

  async recordAvailability(gatewayId: string, state: 'online' | 'offline', at: number): Promise<void> {
    const online = state === 'online';
    await this.db.sql.query(
      `INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, availability, availability_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (gateway_id) DO UPDATE SET
         last_seen_at = GREATEST(gateway_state.last_seen_at, EXCLUDED.last_seen_at),
         availability = EXCLUDED.availability, availability_at = EXCLUDED.availability_at,
         updated_at = EXCLUDED.updated_at`,
      [gatewayId, online ? at : null, this.defaultIntervalS, state, at],
    );
    if (!online) await this.markOffline(gatewayId, at);
  }

  /**
   * One statement for a round of the turn's state messages: the gateways' upsert (a heartbeat's
   * columns where the row is a heartbeat — its `availability` is null — or an availability message's)
   * and their history buckets as data-modifying CTEs that the devices' upsert reads first, so the
   * gateway rows are locked before their devices', each table's rows in code-point order.
   */
  async recordStates(w: StateWrites): Promise<DeviceRow[]> {
    const gateways = byCodePoint<{
      id: string;
      at: number;
      hb?: HeartbeatPayload;
      av?: 'online' | 'offline';
    }>(
      [
        ...w.heartbeats.map((x) => ({ id: x.gatewayId, at: x.at, hb: x.hb })),
        ...w.availability.map((x) => ({ id: x.gatewayId, at: x.at, av: x.state })),
      ],
      (g) => g.id,
    );
    const devices = byCodePoint(w.devices, (d) => `${d.gatewayId}\u0000${d.report.deviceId}`);
    if (gateways.length === 0 && devices.length === 0) return [];
    const g = gateways.map((x) => ({
      ...x,
      cols: x.hb ? heartbeatColumns(x.hb) : Array.from<null>({ length: 13 }).fill(null),
    }));
    const col = (i: number) => g.map((x) => x.cols[i] ?? null);
    const keep = (c: string) =>
      `${c} = CASE WHEN EXCLUDED.availability IS NULL THEN EXCLUDED.${c} ELSE gateway_state.${c} END`;
    const r = await this.db.sql.query<DeviceRecord>(
      `WITH gw AS (
         INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, software, uptime_s, mains, unit_battery,
           outbox_depth, outbox_oldest_age_s, clock_offset_ms, scan_running, scan_restarts, storage_state,
           storage_since, storage_memory_depth, availability, availability_at, updated_at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::text[], $5::bigint[], $6::text[],
           $7::integer[], $8::integer[], $9::bigint[], $10::bigint[], $11::boolean[], $12::integer[], $13::text[],
           $14::bigint[], $15::integer[], $16::text[], $17::bigint[], $18::bigint[])
         ON CONFLICT (gateway_id) DO UPDATE SET
           last_seen_at = GREATEST(gateway_state.last_seen_at, EXCLUDED.last_seen_at),
           ${['interval_s', 'software', 'uptime_s', 'mains', 'unit_battery', 'outbox_depth', 'outbox_oldest_age_s', 'clock_offset_ms', 'scan_running', 'scan_restarts', 'storage_state', 'storage_since', 'storage_memory_depth'].map(keep).join(',\n           ')},
           availability = CASE WHEN EXCLUDED.availability IS NOT NULL THEN EXCLUDED.availability
             WHEN gateway_state.availability = 'offline'
               AND COALESCE(gateway_state.availability_at, 0) <= EXCLUDED.last_seen_at THEN 'online'
             ELSE gateway_state.availability END,
           availability_at = CASE WHEN EXCLUDED.availability IS NOT NULL THEN EXCLUDED.availability_at
             ELSE gateway_state.availability_at END,
           updated_at = EXCLUDED.updated_at
         RETURNING 1),
       b AS (
         INSERT INTO gateway_buckets (gateway_id, bucket_start, heartbeats, offline)
         SELECT * FROM unnest($19::text[], $20::bigint[], $21::integer[], $22::integer[])
         ON CONFLICT (gateway_id, bucket_start) DO UPDATE SET
           heartbeats = gateway_buckets.heartbeats + EXCLUDED.heartbeats,
           offline = GREATEST(gateway_buckets.offline, EXCLUDED.offline)
         RETURNING 1)
       INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, rssi, battery, firmware,
         link_changes, updated_at)
       SELECT * FROM unnest($23::text[], $24::text[], $25::text[], $26::text[], $27::bigint[], $28::integer[],
         $29::integer[], $30::text[], $31::text[], $32::bigint[])
       WHERE (SELECT count(*) FROM gw) + (SELECT count(*) FROM b) >= 0
       ${DEVICE_UPSERT}
       RETURNING ${DEVICE_COLUMNS}`,
      [
        g.map((x) => x.id),
        // a heartbeat and an `online` are heard at `at`; an `offline` is no sign of life
        g.map((x) => (x.av === 'offline' ? null : x.at)),
        g.map((x) => (x.hb ? x.hb.intervalS : this.defaultIntervalS)),
        ...Array.from({ length: 12 }, (_, i) => col(i + 1)),
        g.map((x) => x.av ?? null),
        g.map((x) => (x.av ? x.at : null)),
        g.map((x) => x.at),
        g.map((x) => x.id),
        g.map((x) => this.bucketOf(x.at)),
        g.map((x) => (x.hb ? 1 : 0)),
        g.map((x) => (x.av === 'offline' ? 1 : 0)),
        devices.map((d) => d.gatewayId),
        devices.map((d) => d.report.deviceId),
        devices.map((d) => d.report.kind),
        devices.map((d) => d.report.link),
        devices.map((d) => d.report.lastSeenAt),
        devices.map((d) => d.report.rssi),
        devices.map((d) => d.report.battery),
        devices.map((d) => d.report.firmware),
        devices.map((d) => JSON.stringify(d.linkChanges)),
        devices.map((d) => d.at),
      ],
    );
    // RETURNING follows the input's order in practice, but nothing promises it: sort as the input
    return byCodePoint(r.rows.map(toDevice), (d) => `${d.gatewayId}\u0000${d.deviceId}`);
  }

  async buckets(
    gatewayId: string,
    from: number,
  ): Promise<Array<{ bucketStart: number; heartbeats: number; offline: number }>> {
    return (
      await this.db.sql.query<{ bucketStart: number; heartbeats: number; offline: number }>(
        `SELECT bucket_start AS "bucketStart", heartbeats, offline FROM gateway_buckets
         WHERE gateway_id = $1 AND bucket_start >= $2 ORDER BY bucket_start`,
        [gatewayId, from],
      )
    ).rows;
  }

  async pruneBuckets(before: number): Promise<number> {
    return (
      (await this.db.sql.query('DELETE FROM gateway_buckets WHERE bucket_start < $1', [before])).rowCount ?? 0
    );
  }

  async markOffline(gatewayId: string, at: number): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO gateway_buckets (gateway_id, bucket_start, offline) VALUES ($1, $2, 1)
       ON CONFLICT (gateway_id, bucket_start) DO UPDATE SET offline = 1`,
      [gatewayId, this.bucketOf(at)],
    );
  }

  private bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs) * this.bucketMs;
  }
}

async function deviceOf(sql: Sql, gatewayId: string, deviceId: string): Promise<DeviceRow | undefined> {
  const r = await sql.query<DeviceRecord>(`${DEVICE_SELECT} WHERE gateway_id = $1 AND device_id = $2`, [
    gatewayId,
    deviceId,
  ]);
  return r.rows[0] ? toDevice(r.rows[0]) : undefined;
}
