import type { HeartbeatPayload } from '@baken/protocols';
import type { Db } from '../../store/database.js';
import type { SqliteHandle } from '../../store/sqlite-async.js';
import {
  DEVICE_COLUMNS,
  type DeviceRecord,
  GATEWAY_SELECT,
  heartbeatColumns,
  linkChangesAfter,
  toDevice,
} from './health-rows.js';
import {
  type AvailabilityWrite,
  byCodePoint,
  type DeviceReport,
  type DeviceRow,
  type DeviceTouch,
  type DeviceWrite,
  type GatewayRow,
  type HeartbeatWrite,
  type LinkHistory,
  type StateStore,
  type StateWrites,
  touchSet,
} from './state-store.js';

const DEVICE_SELECT = `SELECT ${DEVICE_COLUMNS} FROM device_state`;

/** `?, ?, …` for `n` values (one statement per shape; the statement cache keeps each). */
const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** The SQLite binding of {@link StateStore}: every call one `run` on the handle, so atomic. */
export class SqliteStateStore implements StateStore {
  constructor(
    private readonly h: SqliteHandle,
    private readonly bucketMs: number,
    private readonly defaultIntervalS: number,
  ) {}

  gateways(): Promise<GatewayRow[]> {
    return this.h.run((db) => db.prepare(`${GATEWAY_SELECT} ORDER BY g.id`).all() as GatewayRow[]);
  }

  gateway(id: string): Promise<GatewayRow | undefined> {
    return this.h.run((db) => db.prepare(`${GATEWAY_SELECT} AND g.id = ?`).get(id) as GatewayRow | undefined);
  }

  gatewaysIn(ids: readonly string[]): Promise<GatewayRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.h.run(
      (db) => db.prepare(`${GATEWAY_SELECT} AND g.id IN (${marks(ids.length)})`).all(...ids) as GatewayRow[],
    );
  }

  gatewaysOfHome(homeId: string): Promise<GatewayRow[]> {
    return this.h.run(
      (db) => db.prepare(`${GATEWAY_SELECT} AND g.home_id = ? ORDER BY g.id`).all(homeId) as GatewayRow[],
    );
  }

  devices(gatewayId?: string): Promise<DeviceRow[]> {
    return this.h.run((db) =>
      (
        (gatewayId === undefined
          ? db.prepare(`${DEVICE_SELECT} ORDER BY gateway_id, device_id`).all()
          : db
              .prepare(`${DEVICE_SELECT} WHERE gateway_id = ? ORDER BY device_id`)
              .all(gatewayId)) as DeviceRecord[]
      ).map(toDevice),
    );
  }

  devicesIn(gatewayIds: readonly string[]): Promise<DeviceRow[]> {
    if (gatewayIds.length === 0) return Promise.resolve([]);
    return this.h.run((db) =>
      (
        db
          .prepare(
            `${DEVICE_SELECT} WHERE gateway_id IN (${marks(gatewayIds.length)}) ORDER BY gateway_id, device_id`,
          )
          .all(...gatewayIds) as DeviceRecord[]
      ).map(toDevice),
    );
  }

  device(gatewayId: string, deviceId: string): Promise<DeviceRow | undefined> {
    return this.h.run((db) => deviceOf(db, gatewayId, deviceId));
  }

  touchGateway(gatewayId: string, at: number): Promise<void> {
    return this.h.run((db) => this.touch(db, gatewayId, at));
  }

  recordHeartbeat(gatewayId: string, hb: HeartbeatPayload, at: number): Promise<void> {
    return this.h.run((db) => this.heartbeat(db, gatewayId, hb, at));
  }

  private heartbeat(db: Db, gatewayId: string, hb: HeartbeatPayload, at: number): void {
    this.touch(db, gatewayId, at);
    db.prepare(
      `UPDATE gateway_state SET interval_s = ?, software = ?, uptime_s = ?, mains = ?, unit_battery = ?,
         outbox_depth = ?, outbox_oldest_age_s = ?, clock_offset_ms = ?, scan_running = ?, scan_restarts = ?,
         storage_state = ?, storage_since = ?, storage_memory_depth = ?,
         availability = CASE WHEN availability = 'offline' AND IFNULL(availability_at, 0) <= ? THEN 'online'
           ELSE availability END
       WHERE gateway_id = ?`,
    ).run(...heartbeatColumns(hb).map((v) => (typeof v === 'boolean' ? Number(v) : v)), at, gatewayId);
    this.bump(db, gatewayId, at, 'heartbeats');
  }

  recordDevice(
    gatewayId: string,
    d: DeviceReport,
    at: number,
    flapWindowMs: number,
    known?: LinkHistory,
  ): Promise<{ before: LinkHistory | undefined; after: DeviceRow }> {
    return this.h.run((db) => {
      const before = known ?? deviceOf(db, gatewayId, d.deviceId);
      const changes = linkChangesAfter(before, d.link, at, flapWindowMs);
      return { before, after: this.writeDevice(db, { gatewayId, report: d, linkChanges: changes, at }) };
    });
  }

  private writeDevice(db: Db, { gatewayId, report, linkChanges, at }: DeviceWrite): DeviceRow {
    const after = db
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
      .get({ gatewayId, ...report, linkChanges: JSON.stringify(linkChanges), at }) as DeviceRecord;
    return toDevice(after);
  }

  touchDevice(gatewayId: string, deviceId: string, kind: string, at: number): Promise<void> {
    return this.h.run((db) => {
      this.touch(db, gatewayId, at);
      this.touchDeviceRow(db, gatewayId, deviceId, kind, at);
    });
  }

  private touchDeviceRow(db: Db, gatewayId: string, deviceId: string, kind: string, at: number): void {
    db.prepare(
      `INSERT INTO device_state (gateway_id, device_id, kind, link, last_seen_at, updated_at)
       VALUES (?, ?, ?, 'up', ?, ?)
       ON CONFLICT (gateway_id, device_id) DO UPDATE SET
         last_seen_at = MAX(IFNULL(last_seen_at, 0), excluded.last_seen_at), updated_at = excluded.updated_at`,
    ).run(gatewayId, deviceId, kind, at, at);
  }

  touchAll(gatewayIds: readonly string[], devices: readonly DeviceTouch[], at: number): Promise<void> {
    const t = touchSet(gatewayIds, devices);
    return this.h.run((db) => {
      for (const g of t.gateways) this.touch(db, g, at);
      for (const d of t.devices) this.touchDeviceRow(db, d.gatewayId, d.deviceId, d.kind, at);
    });
  }

  recordAvailability(gatewayId: string, state: 'online' | 'offline', at: number): Promise<void> {
    return this.h.run((db) => this.availability(db, gatewayId, state, at));
  }

  private availability(db: Db, gatewayId: string, state: 'online' | 'offline', at: number): void {
    if (state === 'online') this.touch(db, gatewayId, at);
    db.prepare(
      `INSERT INTO gateway_state (gateway_id, interval_s, availability, availability_at, updated_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (gateway_id) DO UPDATE SET availability = excluded.availability,
         availability_at = excluded.availability_at, updated_at = excluded.updated_at`,
    ).run(gatewayId, this.defaultIntervalS, state, at, at);
    if (state === 'offline') this.bump(db, gatewayId, at, 'offline');
  }

  // In-process, so no round trip to save: one call on the handle, each row's statements in code-point order.
  recordStates(w: StateWrites): Promise<DeviceRow[]> {
    const gateways = byCodePoint<{ id: string; hb?: HeartbeatWrite; av?: AvailabilityWrite }>(
      [
        ...w.heartbeats.map((x) => ({ id: x.gatewayId, hb: x })),
        ...w.availability.map((x) => ({ id: x.gatewayId, av: x })),
      ],
      (g) => g.id,
    );
    const devices = byCodePoint(w.devices, (d) => `${d.gatewayId}\u0000${d.report.deviceId}`);
    if (gateways.length === 0 && devices.length === 0) return Promise.resolve([]);
    return this.h.run((db) => {
      for (const g of gateways)
        if (g.hb) this.heartbeat(db, g.id, g.hb.hb, g.hb.at);
        else if (g.av) this.availability(db, g.id, g.av.state, g.av.at);
      return devices.map((d) => this.writeDevice(db, d));
    });
  }

  buckets(
    gatewayId: string,
    from: number,
  ): Promise<Array<{ bucketStart: number; heartbeats: number; offline: number }>> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT bucket_start AS bucketStart, heartbeats, offline FROM gateway_buckets
             WHERE gateway_id = ? AND bucket_start >= ? ORDER BY bucket_start`,
          )
          .all(gatewayId, from) as Array<{ bucketStart: number; heartbeats: number; offline: number }>,
    );
  }

  pruneBuckets(before: number): Promise<number> {
    return this.h.run(
      (db) => db.prepare('DELETE FROM gateway_buckets WHERE bucket_start < ?').run(before).changes,
    );
  }

  markOffline(gatewayId: string, at: number): Promise<void> {
    return this.h.run((db) => this.bump(db, gatewayId, at, 'offline'));
  }

  private touch(db: Db, gatewayId: string, at: number): void {
    db.prepare(
      `INSERT INTO gateway_state (gateway_id, last_seen_at, interval_s, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (gateway_id) DO UPDATE SET last_seen_at = MAX(IFNULL(last_seen_at, 0), excluded.last_seen_at),
         updated_at = excluded.updated_at`,
    ).run(gatewayId, at, this.defaultIntervalS, at);
  }

  private bump(db: Db, gatewayId: string, at: number, column: 'heartbeats' | 'offline'): void {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const set = column === 'heartbeats' ? 'heartbeats = heartbeats + 1' : 'offline = 1';
    db.prepare(
      `INSERT INTO gateway_buckets (gateway_id, bucket_start, ${column}) VALUES (?, ?, 1)
       ON CONFLICT (gateway_id, bucket_start) DO UPDATE SET ${set}`,
    ).run(gatewayId, start);
  }
}

const deviceOf = (db: Db, gatewayId: string, deviceId: string): DeviceRow | undefined => {
  const r = db.prepare(`${DEVICE_SELECT} WHERE gateway_id = ? AND device_id = ?`).get(gatewayId, deviceId) as
    | DeviceRecord
    | undefined;
  return r ? toDevice(r) : undefined;
};
