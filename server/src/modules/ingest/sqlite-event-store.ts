import type { CheckReportPayload, EventEnvelope } from '@baken/protocols';
import type { Db } from '../../store/database.js';
import type { SqliteHandle } from '../../store/sqlite-async.js';
import {
  EVENT_ROW_COLUMNS,
  type EventRow,
  type EventStore,
  type EventToStore,
  eventColumns,
  type StoredEventRow,
  toStoredEvent,
} from './event-store.js';

// positional, not named: binding by name costs about 2 µs per event (docs/scaling.md §3)
const INSERT_EVENT = `INSERT OR IGNORE INTO events (id, gateway_id, home_id, device_id, device_kind, kind, priority,
  device_time, received_at, stored_at, seq, data, trial)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The event's values in `INSERT_EVENT`'s order, one array handed over as it is (no spread). */
function eventValues(e: EventEnvelope, homeId: string | null, storedAt: number): unknown[] {
  const values: unknown[] = eventColumns(e, homeId, storedAt) as unknown as unknown[];
  values.push(e.trial === true ? 1 : 0);
  return values;
}

function insertOne(db: Db, e: EventEnvelope, homeId: string | null, storedAt: number): boolean {
  return db.prepare(INSERT_EVENT).run(eventValues(e, homeId, storedAt)).changes === 1;
}

/**
 * The SQLite binding of {@link EventStore}, on the connection's shared handle or on one
 * transaction's (statements are compiled once per connection: store README, "Statements").
 */
export class SqliteEventStore implements EventStore {
  constructor(private readonly h: SqliteHandle) {}

  gateways(ids: readonly string[]): Promise<Map<string, { homeId: string | null }>> {
    return this.h.run((db) => {
      const out = new Map<string, { homeId: string | null }>();
      const get = db.prepare('SELECT home_id AS homeId, revoked_at AS revokedAt FROM gateways WHERE id = ?');
      for (const id of ids) {
        const row = get.get(id) as { homeId: string | null; revokedAt: number | null } | undefined;
        if (row && row.revokedAt === null) out.set(id, { homeId: row.homeId });
      }
      return out;
    });
  }

  insertMany(items: readonly EventToStore[], storedAt: number): Promise<Set<string>> {
    return this.h.run((db) => {
      const insert = db.prepare(INSERT_EVENT);
      const fresh = new Set<string>();
      for (const { event, homeId } of items)
        if (insert.run(eventValues(event, homeId, storedAt)).changes === 1) fresh.add(event.id);
      return fresh;
    });
  }

  insert(e: EventEnvelope, homeId: string | null, storedAt: number): Promise<boolean> {
    return this.h.run((db) => insertOne(db, e, homeId, storedAt));
  }

  insertCheckReport(
    r: CheckReportPayload,
    gatewayId: string,
    homeId: string | null,
    now: number,
  ): Promise<boolean> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `INSERT OR IGNORE INTO check_reports (id, gateway_id, home_id, at, technician, passed, steps, stored_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            r.id,
            gatewayId,
            homeId,
            r.at,
            r.technician ?? null,
            r.passed ? 1 : 0,
            JSON.stringify(r.steps),
            now,
          ).changes === 1,
    );
  }

  recentForHome(homeId: string, from: number, limit: number): Promise<StoredEventRow[]> {
    return this.h.run((db) =>
      (
        db
          .prepare(
            `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE home_id = ? AND received_at >= ?
             ORDER BY received_at DESC LIMIT ?`,
          )
          .all(homeId, from, limit) as EventRow[]
      ).map(toStoredEvent),
    );
  }
}
