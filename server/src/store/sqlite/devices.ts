import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type {
  Device,
  DeviceFilter,
  DevicePatch,
  DeviceStatus,
  DeviceStatusChange,
  DevicesRepository,
  NewDevice,
} from '../repositories/devices.js';
import { type By, type DeviceRow, PATCH_COLS, toDevice } from '../rows/devices.js';

export class SqliteDevicesRepository implements DevicesRepository {
  constructor(private readonly db: Db) {}

  private row(id: string): DeviceRow | undefined {
    return this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
  }

  private addHistory(id: string, from: DeviceStatus | null, to: DeviceStatus, by: By, now: number): void {
    this.db
      .prepare(
        'INSERT INTO device_status_history (device_id, from_status, to_status, at, by_user_id, note) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, from, to, now, by.userId, by.note ?? null);
  }

  private createSync(d: NewDevice, by: By, now: number): string {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO devices (id, serial, type, model, firmware, home_id, gateway_id, install_date, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        d.serial,
        d.type,
        d.model ?? '',
        d.firmware ?? '',
        d.homeId ?? null,
        d.gatewayId ?? null,
        d.installDate ?? null,
        d.status,
        now,
        now,
      );
    this.addHistory(id, null, d.status, by, now);
    return id;
  }

  /** Returns whether anything changed. */
  private patchSync(id: string, p: DevicePatch, now: number): boolean {
    const cols = PATCH_COLS.filter(([k]) => p[k] !== undefined);
    if (cols.length === 0) return false;
    this.db
      .prepare(
        `UPDATE devices SET ${cols.map(([, c]) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`,
      )
      .run(...cols.map(([k]) => p[k] ?? null), now, id);
    return true;
  }

  private setStatusSync(id: string, status: DeviceStatus, by: By, now: number): boolean {
    const cur = this.row(id);
    if (!cur || cur.status === status) return false;
    this.db.prepare('UPDATE devices SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
    this.addHistory(id, cur.status, status, by, now);
    return true;
  }

  async create(d: NewDevice, by: By, now: number): Promise<Device> {
    const id = this.db.transaction(() => this.createSync(d, by, now))();
    return toDevice(this.row(id)!);
  }

  async get(id: string): Promise<Device | null> {
    const r = this.row(id);
    return r ? toDevice(r) : null;
  }

  async getBySerial(serial: string): Promise<Device | null> {
    const r = this.db.prepare('SELECT * FROM devices WHERE serial = ?').get(serial) as DeviceRow | undefined;
    return r ? toDevice(r) : null;
  }

  async list(f: DeviceFilter): Promise<Device[]> {
    const where: string[] = [];
    const vals: unknown[] = [];
    if (f.homeId !== undefined) {
      where.push('home_id = ?');
      vals.push(f.homeId);
    }
    if (f.status !== undefined) {
      where.push('status = ?');
      vals.push(f.status);
    }
    if (f.type !== undefined) {
      where.push('type = ?');
      vals.push(f.type);
    }
    const sql = `SELECT * FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY serial LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...vals, f.limit, f.offset) as DeviceRow[]).map(toDevice);
  }

  async all(): Promise<Device[]> {
    return (this.db.prepare('SELECT * FROM devices ORDER BY serial').all() as DeviceRow[]).map(toDevice);
  }

  async update(id: string, patch: DevicePatch, now: number): Promise<Device | null> {
    if (!this.row(id)) return null;
    this.patchSync(id, patch, now);
    return this.get(id);
  }

  async setStatus(id: string, status: DeviceStatus, by: By, now: number): Promise<Device | null> {
    if (!this.row(id)) return null;
    this.db.transaction(() => this.setStatusSync(id, status, by, now))();
    return this.get(id);
  }

  async history(id: string): Promise<DeviceStatusChange[]> {
    const rows = this.db
      .prepare(
        `SELECT from_status AS fromStatus, to_status AS toStatus, at, by_user_id AS byUserId, note
         FROM device_status_history WHERE device_id = ? ORDER BY at, id`,
      )
      .all(id) as DeviceStatusChange[];
    return rows;
  }

  async upsertMany(rows: NewDevice[], by: By, now: number) {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    this.db.transaction(() => {
      for (const d of rows) {
        const cur = this.db.prepare('SELECT * FROM devices WHERE serial = ?').get(d.serial) as
          | DeviceRow
          | undefined;
        if (!cur) {
          this.createSync(d, by, now);
          counts.created++;
          continue;
        }
        const before = toDevice(cur);
        const patch: DevicePatch = {};
        for (const [k] of PATCH_COLS)
          if (d[k] !== undefined && d[k] !== before[k]) Object.assign(patch, { [k]: d[k] });
        const changedFields = this.patchSync(cur.id, patch, now);
        const changedStatus = this.setStatusSync(cur.id, d.status, by, now);
        if (changedFields || changedStatus) counts.updated++;
        else counts.unchanged++;
      }
    })();
    return counts;
  }
}
