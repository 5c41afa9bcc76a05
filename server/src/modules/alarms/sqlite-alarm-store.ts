import { randomUUID } from 'node:crypto';
import { notFound } from '../../errors.js';
import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import {
  ALARM_COLUMNS,
  type AlarmTableRow,
  createdAlarm,
  PATCH_COLUMN,
  patchKeys,
  raised,
  TRANSITION_COLUMNS,
  type TransitionTableRow,
  toAlarm,
  toTransition,
  transitionValues,
} from './alarm-rows.js';
import type {
  AlarmFilter,
  AlarmPatch,
  AlarmResponseRow,
  AlarmRow,
  AlarmStore,
  NewAlarm,
  Transition,
} from './alarm-store.js';

const SELECT = `SELECT ${ALARM_COLUMNS} FROM alarms`;
const BY_ID = `${SELECT} WHERE id = ?`;
const ID_OF_EVENT = 'SELECT id FROM alarms WHERE event_id = ?';
const ADD_TRANSITION = `INSERT INTO alarm_transitions (alarm_id, ${TRANSITION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const one = (r: unknown): AlarmRow | undefined => (r === undefined ? undefined : toAlarm(r as AlarmTableRow));
const many = (rs: unknown[]): AlarmRow[] => (rs as AlarmTableRow[]).map(toAlarm);

/**
 * The SQLite binding of {@link AlarmStore} (migrations 012, 093), over a {@link SqliteHandle}: the
 * connection's shared handle or one transaction's (the ingest turn's `ctx.tx`). Each method is one
 * `run` of cached statements. One connection runs one transaction at a time, so {@link lock} is a
 * read and `INSERT OR IGNORE` on the unique event id opens an alarm once.
 */
export class SqliteAlarmStore implements AlarmStore {
  private readonly h: SqliteHandle;
  constructor(db: Db | SqliteHandle) {
    this.h = asSqliteHandle(db);
  }

  create(a: NewAlarm): Promise<AlarmRow | undefined> {
    return this.h.run((db) => {
      const id = randomUUID();
      const r = db
        .prepare(
          `INSERT OR IGNORE INTO alarms (id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at, authenticated)
           VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, ?)`,
        )
        .run(
          id,
          a.eventId,
          a.gatewayId,
          a.homeId,
          a.deviceId,
          a.kind,
          a.raisedAt,
          a.createdAt,
          a.authenticated ? 1 : 0,
        );
      if (r.changes === 0) return undefined;
      db.prepare(ADD_TRANSITION).run(id, ...transitionValues(raised(a)));
      return createdAlarm(id, a);
    });
  }

  async createMany(list: readonly NewAlarm[]): Promise<AlarmRow[]> {
    const out: AlarmRow[] = [];
    for (const a of list) {
      const r = await this.create(a);
      if (r) out.push(r);
    }
    return out;
  }

  get(id: string): Promise<AlarmRow | undefined> {
    return this.h.run((db) => one(db.prepare(BY_ID).get(id)));
  }

  lock(id: string): Promise<AlarmRow | undefined> {
    return this.get(id);
  }

  idOfEvent(eventId: string): Promise<string | undefined> {
    return this.h.run((db) => (db.prepare(ID_OF_EVENT).get(eventId) as { id: string } | undefined)?.id);
  }

  update(id: string, patch: AlarmPatch, t: Transition): Promise<AlarmRow> {
    return this.h.run((db) => {
      const keys = patchKeys(patch);
      const a =
        keys.length === 0
          ? db.prepare(BY_ID).get(id)
          : db
              .prepare(
                `UPDATE alarms SET ${keys.map((k) => `${PATCH_COLUMN[k]} = @${k}`).join(', ')}
                 WHERE id = @id RETURNING ${ALARM_COLUMNS}`,
              )
              .get(Object.fromEntries([...keys.map((k) => [k, patch[k]]), ['id', id]]));
      if (a === undefined) throw notFound('Alarm');
      db.prepare(ADD_TRANSITION).run(id, ...transitionValues(t));
      return toAlarm(a as AlarmTableRow);
    });
  }

  transitions(id: string): Promise<Transition[]> {
    return this.h.run((db) =>
      (
        db
          .prepare(`SELECT ${TRANSITION_COLUMNS} FROM alarm_transitions WHERE alarm_id = ? ORDER BY at, id`)
          .all(id) as TransitionTableRow[]
      ).map(toTransition),
    );
  }

  latestOpenOfDevice(gatewayId: string, deviceId: string): Promise<AlarmRow | undefined> {
    return this.h.run((db) =>
      one(
        db
          .prepare(
            `${SELECT} WHERE gateway_id = ? AND device_id = ? AND state != 'closed' ORDER BY raised_at DESC, id LIMIT 1`,
          )
          .get(gatewayId, deviceId),
      ),
    );
  }

  assignedOfHome(homeId: string): Promise<AlarmRow[]> {
    return this.h.run((db) =>
      many(
        db.prepare(`${SELECT} WHERE home_id = ? AND state = 'assigned' ORDER BY raised_at, id`).all(homeId),
      ),
    );
  }

  list(f: AlarmFilter): Promise<AlarmRow[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    const add = (sql: string, v?: string | number) => {
      where.push(sql);
      if (v !== undefined) args.push(v);
    };
    if (f.state !== undefined) add('state = ?', f.state);
    if (f.open === true) add("state != 'closed'");
    if (f.open === false) add("state = 'closed'");
    if (f.homeId !== undefined) add('home_id = ?', f.homeId);
    if (f.assignedUserId !== undefined) add('assigned_user_id = ?', f.assignedUserId);
    if (f.from !== undefined) add('raised_at >= ?', f.from);
    if (f.to !== undefined) add('raised_at < ?', f.to);
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id LIMIT ? OFFSET ?`;
    return this.h.run((db) => many(db.prepare(sql).all(...args, f.limit, f.offset)));
  }

  countOpen(): Promise<number> {
    return this.h.run(
      (db) =>
        (db.prepare("SELECT COUNT(*) AS n FROM alarms WHERE state != 'closed'").get() as { n: number }).n,
    );
  }

  userExists(id: string): Promise<boolean> {
    return this.h.run((db) => db.prepare('SELECT 1 FROM users WHERE id = ?').get(id) !== undefined);
  }

  responseRows(from: number, to: number): Promise<AlarmResponseRow[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT COALESCE(a.home_id, '') AS "homeId", COALESCE(h.region, '') AS region, a.raised_at AS "raisedAt",
               a.acknowledged_at AS "ackAt", a.on_site_at AS "onSiteAt"
             FROM alarms a LEFT JOIN homes h ON h.id = a.home_id WHERE a.raised_at >= ? AND a.raised_at < ?
             ORDER BY a.raised_at, a.id`,
          )
          .all(from, to) as AlarmResponseRow[],
    );
  }

  transaction<T>(fn: (tx: AlarmStore) => Promise<T>): Promise<T> {
    return this.h.transaction((tx) => fn(new SqliteAlarmStore(tx)));
  }
}
