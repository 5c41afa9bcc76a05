import { randomUUID } from 'node:crypto';
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
import type { PgHandle, Sql } from './pg-database.js';

async function addHistory(
  sql: Sql,
  id: string,
  from: DeviceStatus | null,
  to: DeviceStatus,
  by: By,
  now: number,
): Promise<void> {
  await sql.query(
    'INSERT INTO device_status_history (device_id, from_status, to_status, at, by_user_id, note) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, from, to, now, by.userId, by.note ?? null],
  );
}

async function insert(sql: Sql, d: NewDevice, by: By, now: number): Promise<DeviceRow> {
  const r = await sql.query<DeviceRow>(
    `INSERT INTO devices (id, serial, type, model, firmware, home_id, gateway_id, install_date, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING *`,
    [
      randomUUID(),
      d.serial,
      d.type,
      d.model ?? '',
      d.firmware ?? '',
      d.homeId ?? null,
      d.gatewayId ?? null,
      d.installDate ?? null,
      d.status,
      now,
    ],
  );
  await addHistory(sql, r.rows[0]!.id, null, d.status, by, now);
  return r.rows[0]!;
}

/** Returns whether anything changed. */
async function patch(sql: Sql, id: string, p: DevicePatch, now: number): Promise<boolean> {
  const cols = PATCH_COLS.filter(([k]) => p[k] !== undefined);
  if (cols.length === 0) return false;
  const sets = cols.map(([, c], i) => `${c} = $${i + 1}`);
  await sql.query(
    `UPDATE devices SET ${sets.join(', ')}, updated_at = $${cols.length + 1} WHERE id = $${cols.length + 2}`,
    [...cols.map(([k]) => p[k] ?? null), now, id],
  );
  return true;
}

/** Locks the row (a concurrent status change waits) and changes its status; false when unchanged. */
async function changeStatus(
  sql: Sql,
  id: string,
  status: DeviceStatus,
  by: By,
  now: number,
): Promise<boolean> {
  const cur = (
    await sql.query<{ status: DeviceStatus }>('SELECT status FROM devices WHERE id = $1 FOR UPDATE', [id])
  ).rows[0];
  if (!cur || cur.status === status) return false;
  await sql.query('UPDATE devices SET status = $1, updated_at = $2 WHERE id = $3', [status, now, id]);
  await addHistory(sql, id, cur.status, status, by, now);
  return true;
}

export class PgDevicesRepository implements DevicesRepository {
  constructor(private readonly db: PgHandle) {}

  async create(d: NewDevice, by: By, now: number): Promise<Device> {
    return toDevice(await this.db.transaction((tx) => insert(tx.sql, d, by, now)));
  }

  async get(id: string): Promise<Device | null> {
    const r = (await this.db.sql.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id])).rows[0];
    return r ? toDevice(r) : null;
  }

  async getBySerial(serial: string): Promise<Device | null> {
    const r = (await this.db.sql.query<DeviceRow>('SELECT * FROM devices WHERE serial = $1', [serial]))
      .rows[0];
    return r ? toDevice(r) : null;
  }

  async list(f: DeviceFilter): Promise<Device[]> {
    const where: string[] = [];
    const vals: unknown[] = [];
    for (const [col, v] of [
      ['home_id', f.homeId],
      ['status', f.status],
      ['type', f.type],
    ] as const) {
      if (v === undefined) continue;
      vals.push(v);
      where.push(`${col} = $${vals.length}`);
    }
    vals.push(f.limit, f.offset);
    const sql = `SELECT * FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY serial LIMIT $${vals.length - 1} OFFSET $${vals.length}`;
    return (await this.db.sql.query<DeviceRow>(sql, vals)).rows.map(toDevice);
  }

  async all(): Promise<Device[]> {
    return (await this.db.sql.query<DeviceRow>('SELECT * FROM devices ORDER BY serial')).rows.map(toDevice);
  }

  async update(id: string, p: DevicePatch, now: number): Promise<Device | null> {
    if (!(await this.get(id))) return null;
    await patch(this.db.sql, id, p, now);
    return this.get(id);
  }

  async setStatus(id: string, status: DeviceStatus, by: By, now: number): Promise<Device | null> {
    const found = await this.db.transaction(async (tx) => {
      const exists = (await tx.sql.query('SELECT 1 FROM devices WHERE id = $1', [id])).rowCount ?? 0;
      if (exists > 0) await changeStatus(tx.sql, id, status, by, now);
      return exists > 0;
    });
    return found ? this.get(id) : null;
  }

  async history(id: string): Promise<DeviceStatusChange[]> {
    return (
      await this.db.sql.query<DeviceStatusChange>(
        `SELECT from_status AS "fromStatus", to_status AS "toStatus", at, by_user_id AS "byUserId", note
         FROM device_status_history WHERE device_id = $1 ORDER BY at, id`,
        [id],
      )
    ).rows;
  }

  async upsertMany(rows: NewDevice[], by: By, now: number) {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    await this.db.transaction(async (tx) => {
      for (const d of rows) {
        const cur = (
          await tx.sql.query<DeviceRow>('SELECT * FROM devices WHERE serial = $1 FOR UPDATE', [d.serial])
        ).rows[0];
        if (!cur) {
          await insert(tx.sql, d, by, now);
          counts.created++;
          continue;
        }
        const before = toDevice(cur);
        const p: DevicePatch = {};
        for (const [k] of PATCH_COLS)
          if (d[k] !== undefined && d[k] !== before[k]) Object.assign(p, { [k]: d[k] });
        const changedFields = await patch(tx.sql, cur.id, p, now);
        const changedStatus = await changeStatus(tx.sql, cur.id, d.status, by, now);
        if (changedFields || changedStatus) counts.updated++;
        else counts.unchanged++;
      }
    });
    return counts;
  }
}
