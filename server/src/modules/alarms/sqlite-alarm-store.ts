import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import type {
  AlarmFilter,
  AlarmPatch,
  AlarmResponseRow,
  AlarmRow,
  AlarmStore,
  NewAlarm,
  Transition,
} from './alarm-store.js';

const SELECT = `SELECT id, event_id AS eventId, gateway_id AS gatewayId, home_id AS homeId, device_id AS deviceId,
  kind, state, raised_at AS raisedAt, created_at AS createdAt, acknowledged_at AS acknowledgedAt,
  acknowledged_by AS acknowledgedBy, assigned_at AS assignedAt, assigned_team_id AS assignedTeamId,
  assigned_user_id AS assignedUserId, on_site_at AS onSiteAt, on_site_source AS onSiteSource, closed_at AS closedAt,
  closed_by AS closedBy, close_note AS closeNote, cancelled_at AS cancelledAt, cancel_event_id AS cancelEventId,
  unverified_cancel_at AS unverifiedCancelAt, cancel_confirmed_by AS cancelConfirmedBy,
  authenticated
  FROM alarms`;

/** SQLite has no boolean: `authenticated` is 1, 0 or NULL on disk. */
const row = (r: unknown): AlarmRow | undefined => {
  if (r === undefined) return undefined;
  const a = r as Omit<AlarmRow, 'authenticated'> & { authenticated: number | null };
  return { ...a, authenticated: a.authenticated === null ? null : a.authenticated === 1 };
};

/** Column names an update may set (a fixed list: never built from input). */
const COLUMN: Record<keyof AlarmPatch, string> = {
  state: 'state',
  acknowledgedAt: 'acknowledged_at',
  acknowledgedBy: 'acknowledged_by',
  assignedAt: 'assigned_at',
  assignedTeamId: 'assigned_team_id',
  assignedUserId: 'assigned_user_id',
  onSiteAt: 'on_site_at',
  onSiteSource: 'on_site_source',
  closedAt: 'closed_at',
  closedBy: 'closed_by',
  closeNote: 'close_note',
  cancelledAt: 'cancelled_at',
  cancelEventId: 'cancel_event_id',
  unverifiedCancelAt: 'unverified_cancel_at',
  cancelConfirmedBy: 'cancel_confirmed_by',
};

/** The SQLite binding of {@link AlarmStore}. */
export class SqliteAlarmStore implements AlarmStore {
  constructor(private readonly db: Db) {}

  /** Creates the alarm of a pendant event unless one exists for that event id. */
  create(a: NewAlarm): AlarmRow | undefined {
    const id = randomUUID();
    const r = this.db
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
    this.addTransition(id, {
      fromState: null,
      toState: 'new',
      action: 'raise',
      at: a.createdAt,
      byUserId: null,
      source: 'pendant',
      note: null,
    });
    return this.get(id)!;
  }

  get(id: string): AlarmRow | undefined {
    return row(this.db.prepare(`${SELECT} WHERE id = ?`).get(id));
  }

  /** The alarm an event raised, if it raised one. */
  idOfEvent(eventId: string): string | undefined {
    return (
      this.db.prepare('SELECT id FROM alarms WHERE event_id = ?').get(eventId) as { id: string } | undefined
    )?.id;
  }

  update(id: string, patch: AlarmPatch, t: Transition): AlarmRow {
    const keys = Object.keys(patch) as Array<keyof AlarmPatch>;
    if (keys.length > 0) {
      const set = keys.map((k) => `${COLUMN[k]} = @${k}`).join(', ');
      this.db.prepare(`UPDATE alarms SET ${set} WHERE id = @id`).run({ ...patch, id });
    }
    this.addTransition(id, t);
    return this.get(id)!;
  }

  transitions(id: string): Transition[] {
    return this.db
      .prepare(
        `SELECT from_state AS fromState, to_state AS toState, action, at, by_user_id AS byUserId, source, note
         FROM alarm_transitions WHERE alarm_id = ? ORDER BY at, id`,
      )
      .all(id) as Transition[];
  }

  /** The latest open alarm of a pendant (for its `cancel`). */
  latestOpenOfDevice(gatewayId: string, deviceId: string): AlarmRow | undefined {
    return row(
      this.db
        .prepare(
          `${SELECT} WHERE gateway_id = ? AND device_id = ? AND state != 'closed' ORDER BY raised_at DESC LIMIT 1`,
        )
        .get(gatewayId, deviceId),
    );
  }

  /** Alarms of a home in state `assigned` (a key-safe opening there means someone is on site). */
  assignedOfHome(homeId: string): AlarmRow[] {
    return this.db
      .prepare(`${SELECT} WHERE home_id = ? AND state = 'assigned'`)
      .all(homeId)
      .map((r) => row(r) as AlarmRow);
  }

  list(f: AlarmFilter): AlarmRow[] {
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
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC LIMIT ? OFFSET ?`;
    return this.db
      .prepare(sql)
      .all(...args, f.limit, f.offset)
      .map((r) => row(r) as AlarmRow);
  }

  countOpen(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM alarms WHERE state != 'closed'").get() as { n: number }
    ).n;
  }

  userExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id) !== undefined;
  }

  responseRows(from: number, to: number): AlarmResponseRow[] {
    return this.db
      .prepare(
        `SELECT IFNULL(a.home_id, '') AS homeId, IFNULL(h.region, '') AS region, a.raised_at AS raisedAt,
           a.acknowledged_at AS ackAt, a.on_site_at AS onSiteAt
         FROM alarms a LEFT JOIN homes h ON h.id = a.home_id WHERE a.raised_at >= ? AND a.raised_at < ?`,
      )
      .all(from, to) as AlarmResponseRow[];
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private addTransition(id: string, t: Transition): void {
    this.db
      .prepare(
        `INSERT INTO alarm_transitions (alarm_id, from_state, to_state, action, at, by_user_id, source, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, t.fromState, t.toState, t.action, t.at, t.byUserId, t.source, t.note);
  }
}
