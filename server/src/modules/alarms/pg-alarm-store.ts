import { randomUUID } from 'node:crypto';
import { notFound } from '../../errors.js';
import type { PgHandle } from '../../store/pg/pg-database.js';
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

/**
 * `INSERT INTO alarm_transitions … SELECT` from the CTE `a` (the alarm just written), its values
 * from `$n` on: typed, as a SELECT list does not take its parameters' types from the target columns.
 */
const transitionFrom = (n: number): string =>
  `INSERT INTO alarm_transitions (alarm_id, ${TRANSITION_COLUMNS})
   SELECT id, $${n}::text, $${n + 1}::text, $${n + 2}::text, $${n + 3}::bigint, $${n + 4}::text, $${n + 5}::text,
     $${n + 6}::text FROM a`;

/**
 * The PostgreSQL binding of {@link AlarmStore} (pg migration 045). An alarm and its transition are
 * written by one statement (a data-modifying CTE). `create` is `ON CONFLICT (event_id) DO NOTHING`,
 * so an event delivered to two instances at once opens one alarm; {@link lock} is `FOR UPDATE`, so
 * two people acting on one alarm at once decide one after the other, and so are the reads the
 * ingest processor updates from (a pendant's open alarm, a home's assigned ones): a staff action
 * committed meanwhile is seen, never overwritten.
 */
export class PgAlarmStore implements AlarmStore {
  constructor(private readonly db: PgHandle) {}

  async create(a: NewAlarm): Promise<AlarmRow | undefined> {
    const id = randomUUID();
    const r = await this.db.sql.query(
      `WITH a AS (
         INSERT INTO alarms (id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at, authenticated)
         VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9) ON CONFLICT (event_id) DO NOTHING RETURNING id)
       ${transitionFrom(10)}`,
      [
        id,
        a.eventId,
        a.gatewayId,
        a.homeId,
        a.deviceId,
        a.kind,
        a.raisedAt,
        a.createdAt,
        a.authenticated,
        ...transitionValues(raised(a)),
      ],
    );
    return r.rowCount === 1 ? createdAlarm(id, a) : undefined;
  }

  async createMany(list: readonly NewAlarm[]): Promise<AlarmRow[]> {
    const first = list[0];
    if (first === undefined) return [];
    if (list.length === 1) {
      const a = await this.create(first);
      return a ? [a] : [];
    }
    const ids = list.map(() => randomUUID());
    // the raise transition's values but its time, which is each alarm's creation time
    const [fromState, toState, action, , byUserId, source, note] = transitionValues(raised(first));
    const r = await this.db.sql.query<{ id: string }>(
      `WITH a AS (
         INSERT INTO alarms (id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at, authenticated)
         SELECT id, event_id, gateway_id, home_id, device_id, kind, 'new', raised_at, created_at, authenticated
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
           $8::bigint[], $9::boolean[])
           AS t(id, event_id, gateway_id, home_id, device_id, kind, raised_at, created_at, authenticated)
         ON CONFLICT (event_id) DO NOTHING RETURNING id, created_at),
       t AS (
         INSERT INTO alarm_transitions (alarm_id, ${TRANSITION_COLUMNS})
         SELECT id, $10::text, $11::text, $12::text, created_at, $13::text, $14::text, $15::text FROM a)
       SELECT id FROM a`,
      [
        ids,
        list.map((a) => a.eventId),
        list.map((a) => a.gatewayId),
        list.map((a) => a.homeId),
        list.map((a) => a.deviceId),
        list.map((a) => a.kind),
        list.map((a) => a.raisedAt),
        list.map((a) => a.createdAt),
        list.map((a) => a.authenticated),
        fromState,
        toState,
        action,
        byUserId,
        source,
        note,
      ],
    );
    const opened = new Set(r.rows.map((row) => row.id));
    const out: AlarmRow[] = [];
    list.forEach((a, i) => {
      const id = ids[i] as string;
      if (opened.has(id)) out.push(createdAlarm(id, a));
    });
    return out;
  }

  async get(id: string): Promise<AlarmRow | undefined> {
    return this.one(`${SELECT} WHERE id = $1`, [id]);
  }

  async lock(id: string): Promise<AlarmRow | undefined> {
    return this.one(`${SELECT} WHERE id = $1 FOR UPDATE`, [id]);
  }

  async idOfEvent(eventId: string): Promise<string | undefined> {
    const r = await this.db.sql.query<{ id: string }>('SELECT id FROM alarms WHERE event_id = $1', [eventId]);
    return r.rows[0]?.id;
  }

  async update(id: string, patch: AlarmPatch, t: Transition): Promise<AlarmRow> {
    const keys = patchKeys(patch);
    const write =
      keys.length === 0
        ? `${SELECT} WHERE id = $1`
        : `UPDATE alarms SET ${keys.map((k, i) => `${PATCH_COLUMN[k]} = $${i + 2}`).join(', ')}
           WHERE id = $1 RETURNING ${ALARM_COLUMNS}`;
    const a = await this.one(
      `WITH a AS (${write}), t AS (${transitionFrom(keys.length + 2)}) SELECT * FROM a`,
      [id, ...keys.map((k) => patch[k]), ...transitionValues(t)],
    );
    if (!a) throw notFound('Alarm');
    return a;
  }

  async transitions(id: string): Promise<Transition[]> {
    const r = await this.db.sql.query<TransitionTableRow>(
      `SELECT ${TRANSITION_COLUMNS} FROM alarm_transitions WHERE alarm_id = $1 ORDER BY at, id`,
      [id],
    );
    return r.rows.map(toTransition);
  }

  async latestOpenOfDevice(gatewayId: string, deviceId: string): Promise<AlarmRow | undefined> {
    return this.one(
      `${SELECT} WHERE gateway_id = $1 AND device_id = $2 AND state <> 'closed'
       ORDER BY raised_at DESC, id COLLATE "C" LIMIT 1 FOR UPDATE`,
      [gatewayId, deviceId],
    );
  }

  async assignedOfHome(homeId: string): Promise<AlarmRow[]> {
    return this.many(
      `${SELECT} WHERE home_id = $1 AND state = 'assigned' ORDER BY raised_at, id COLLATE "C" FOR UPDATE`,
      [homeId],
    );
  }

  async list(f: AlarmFilter): Promise<AlarmRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v?: string | number) => {
      if (v !== undefined) args.push(v);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (f.state !== undefined) add('state = ?', f.state);
    if (f.open === true) add("state <> 'closed'");
    if (f.open === false) add("state = 'closed'");
    if (f.homeId !== undefined) add('home_id = ?', f.homeId);
    if (f.assignedUserId !== undefined) add('assigned_user_id = ?', f.assignedUserId);
    if (f.from !== undefined) add('raised_at >= ?', f.from);
    if (f.to !== undefined) add('raised_at < ?', f.to);
    args.push(f.limit, f.offset);
    return this.many(
      `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY raised_at DESC, id COLLATE "C" LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
  }

  async countOpen(): Promise<number> {
    const r = await this.db.sql.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM alarms WHERE state <> 'closed'",
    );
    return r.rows[0]!.n;
  }

  async userExists(id: string): Promise<boolean> {
    return (await this.db.sql.query('SELECT 1 FROM users WHERE id = $1', [id])).rowCount === 1;
  }

  async responseRows(from: number, to: number): Promise<AlarmResponseRow[]> {
    const r = await this.db.sql.query<AlarmResponseRow>(
      `SELECT COALESCE(a.home_id, '') AS "homeId", COALESCE(h.region, '') AS region, a.raised_at AS "raisedAt",
         a.acknowledged_at AS "ackAt", a.on_site_at AS "onSiteAt"
       FROM alarms a LEFT JOIN homes h ON h.id = a.home_id WHERE a.raised_at >= $1 AND a.raised_at < $2
       ORDER BY a.raised_at, a.id COLLATE "C"`,
      [from, to],
    );
    return r.rows;
  }

  transaction<T>(fn: (tx: AlarmStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgAlarmStore(tx)));
  }

  private async one(sql: string, args: unknown[]): Promise<AlarmRow | undefined> {
    const r = await this.db.sql.query<AlarmTableRow>(sql, args);
    return r.rows[0] && toAlarm(r.rows[0]);
  }

  private async many(sql: string, args: unknown[]): Promise<AlarmRow[]> {
    return (await this.db.sql.query<AlarmTableRow>(sql, args)).rows.map(toAlarm);
  }
}
