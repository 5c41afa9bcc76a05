import type { HeartbeatPayload } from '@baken/protocols';
import type { Db } from '../../../store/database.js';
import type { DeviceRow, GatewayRow, StateStore } from './state-store.js';

const GATEWAY_SELECT = `SELECT g.id AS gatewayId, g.home_id AS homeId, h.region AS region,
  s.last_seen_at AS lastSeenAt, s.interval_s AS intervalS, s.availability, s.availability_at AS availabilityAt,
  s.software, s.uptime_s AS uptimeS, s.mains, s.unit_battery AS unitBattery, s.outbox_depth AS outboxDepth,
  s.outbox_oldest_age_s AS outboxOldestAgeS, s.clock_offset_ms AS clockOffsetMs,
  s.storage_state AS storageState, s.storage_since AS storageSince, s.storage_memory_depth AS storageMemoryDepth
  FROM gateways g LEFT JOIN gateway_state s ON s.gateway_id = g.id LEFT JOIN homes h ON h.id = g.home_id
  WHERE g.revoked_at IS NULL`;

const DEVICE_COLUMNS = `gateway_id AS gatewayId, device_id AS deviceId, kind, link, last_seen_at AS lastSeenAt,
  rssi, battery, firmware, link_changes AS linkChanges`;
const DEVICE_SELECT = `SELECT ${DEVICE_COLUMNS} FROM device_state`;

type RawDevice = Omit<DeviceRow, 'linkChanges'> & { linkChanges: string };
const toDevice = (r: RawDevice): DeviceRow => ({ ...r, linkChanges: JSON.parse(r.linkChanges) as number[] });

/** The SQLite binding of {@link StateStore}. */
export class SqliteStateStore implements StateStore {
  constructor(
    private readonly db: Db,
    private readonly bucketMs: number,
    private readonly defaultIntervalS: number,
  ) {}

  gateways(): GatewayRow[] {
    return this.db.prepare(`${GATEWAY_SELECT} ORDER BY g.id`).all() as GatewayRow[];
  }

  gateway(id: string): GatewayRow | undefined {
    return this.db.prepare(`${GATEWAY_SELECT} AND g.id = ?`).get(id) as GatewayRow | undefined;
  }

  gatewaysOfHome(homeId: string): GatewayRow[] {
    return this.db.prepare(`${GATEWAY_SELECT} AND g.home_id = ? ORDER BY g.id`).all(homeId) as GatewayRow[];
  }

  devices(gatewayId?: string): DeviceRow[] {
    const rows = (
      gatewayId === undefined
        ? this.db.prepare(`${DEVICE_SELECT} ORDER BY gateway_id, device_id`).all()
        : this.db.prepare(`${DEVICE_SELECT} WHERE gateway_id = ? ORDER BY device_id`).all(gatewayId)
    ) as Array<Omit<DeviceRow, 'linkChanges'> & { linkChanges: string }>;
    return rows.map((r) => ({ ...r, linkChanges: JSON.parse(r.linkChanges) as number[] }));
  }

  device(gatewayId: string, deviceId: string): DeviceRow | undefined {
    const r = this.db
      .prepare(`${DEVICE_SELECT} WHERE gateway_id = ? AND device_id = ?`)
      .get(gatewayId, deviceId) as RawDevice | undefined;
    return r ? toDevice(r) : undefined;
  }

  /** Anything heard from the gateway (heartbeat, event, availability online) at `at`. */
  touchGateway(gatewayId: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (gateway_id) DO UPDATE SET last_seen_at = MAX(IFNULL(last_seen_at, 0), excluded.last_seen_at),
           updated_at = excluded.updated_at`,
      )
      .run(gatewayId, at, this.defaultIntervalS, at);
  }

  recordHeartbeat(gatewayId: string, hb: HeartbeatPayload, at: number): void {
    this.touchGateway(gatewayId, at);
    this.db
      .prepare(
        `UPDATE gateway_state SET interval_s = ?, software = ?, uptime_s = ?, mains = ?, unit_battery = ?,
           outbox_depth = ?, outbox_oldest_age_s = ?, clock_offset_ms = ?, scan_running = ?, scan_restarts = ?,
           storage_state = ?, storage_since = ?, storage_memory_depth = ?,
           availability = CASE WHEN availability = 'offline' AND IFNULL(availability_at, 0) <= ? THEN 'online'
             ELSE availability END
         WHERE gateway_id = ?`,
      )
      .run(
        hb.intervalS,
        hb.software,
        hb.uptimeS,
        hb.mains ?? null,
        hb.unitBattery ?? null,
        hb.outbox.depth,
        hb.outbox.oldestAgeS === null ? null : Math.round(hb.outbox.oldestAgeS),
        hb.clockOffsetMs ?? null,
        hb.scan.running ? 1 : 0,
        hb.scan.restarts,
        hb.storage?.state ?? null,
        hb.storage?.since ?? null,
        hb.storage?.memoryDepth ?? null,
        at,
        gatewayId,
      );
    this.bump(gatewayId, at, 'heartbeats');
  }

  recordDevice(
    gatewayId: string,
    d: Omit<DeviceRow, 'gatewayId' | 'linkChanges'>,
    at: number,
    flapWindowMs: number,
    known?: Pick<DeviceRow, 'link' | 'linkChanges'>,
  ): { before: Pick<DeviceRow, 'link' | 'linkChanges'> | undefined; after: DeviceRow } {
    const before = known ?? this.device(gatewayId, d.deviceId);
    let changes = (before?.linkChanges ?? []).filter((t) => t > at - flapWindowMs);
    if (before && before.link !== d.link) changes = [...changes, at];
    const after = this.db
      .prepare(
        `INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, rssi, battery, firmware,
           link_changes, updated_at) VALUES (@gatewayId, @deviceId, @kind, @link, @lastSeenAt, @rssi, @battery,
           @firmware, @linkChanges, @at)
         ON CONFLICT (gateway_id, device_id) DO UPDATE SET kind = excluded.kind, link = excluded.link,
           last_seen_at = NULLIF(MAX(IFNULL(last_seen_at, 0), IFNULL(excluded.last_seen_at, 0)), 0),
           rssi = IFNULL(excluded.rssi, rssi), battery = IFNULL(excluded.battery, battery),
           firmware = IFNULL(excluded.firmware, firmware), link_changes = excluded.link_changes,
           updated_at = excluded.updated_at
         RETURNING ${DEVICE_COLUMNS}`,
      )
      .get({ gatewayId, ...d, linkChanges: JSON.stringify(changes), at }) as RawDevice;
    return { before, after: toDevice(after) };
  }

  /** An event from a device is proof of life for it (and its gateway). */
  touchDevice(gatewayId: string, deviceId: string, kind: string, at: number): void {
    this.touchGateway(gatewayId, at);
    this.db
      .prepare(
        `INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, updated_at)
         VALUES (?, ?, ?, 'up', ?, ?)
         ON CONFLICT (gateway_id, device_id) DO UPDATE SET
           last_seen_at = MAX(IFNULL(last_seen_at, 0), excluded.last_seen_at), updated_at = excluded.updated_at`,
      )
      .run(gatewayId, deviceId, kind, at, at);
  }

  recordAvailability(gatewayId: string, state: 'online' | 'offline', at: number): void {
    if (state === 'online') this.touchGateway(gatewayId, at);
    this.db
      .prepare(
        `INSERT INTO gateway_state (gateway_id, interval_s, availability, availability_at, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (gateway_id) DO UPDATE SET availability = excluded.availability,
           availability_at = excluded.availability_at, updated_at = excluded.updated_at`,
      )
      .run(gatewayId, this.defaultIntervalS, state, at, at);
    if (state === 'offline') this.bump(gatewayId, at, 'offline');
  }

  /** History buckets of one gateway since `from` (oldest first). */
  buckets(
    gatewayId: string,
    from: number,
  ): Array<{ bucketStart: number; heartbeats: number; offline: number }> {
    return this.db
      .prepare(
        `SELECT bucket_start AS bucketStart, heartbeats, offline FROM gateway_buckets
         WHERE gateway_id = ? AND bucket_start >= ? ORDER BY bucket_start`,
      )
      .all(gatewayId, from) as Array<{ bucketStart: number; heartbeats: number; offline: number }>;
  }

  /** Drops history buckets older than `before` (the graphs keep a rolling year). */
  pruneBuckets(before: number): number {
    return this.db.prepare('DELETE FROM gateway_buckets WHERE bucket_start < ?').run(before).changes;
  }

  /** Marks an offline bucket for a gateway seen offline by the sweep. */
  markOffline(gatewayId: string, at: number): void {
    this.bump(gatewayId, at, 'offline');
  }

  private bump(gatewayId: string, at: number, column: 'heartbeats' | 'offline'): void {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const set = column === 'heartbeats' ? 'heartbeats = heartbeats + 1' : 'offline = 1';
    this.db
      .prepare(
        `INSERT INTO gateway_buckets (gateway_id, bucket_start, ${column}) VALUES (?, ?, 1)
         ON CONFLICT (gateway_id, bucket_start) DO UPDATE SET ${set}`,
      )
      .run(gatewayId, start);
  }
}
