import type { CheckReportPayload, EventEnvelope } from '@baken/protocols';
import type { PgHandle } from '../../store/pg/pg-database.js';
import {
  EVENT_ROW_COLUMNS,
  type EventRow,
  type EventStore,
  type EventToStore,
  eventColumns,
  type StoredEventRow,
  toStoredEvent,
} from './event-store.js';

const COLUMNS = `id, gateway_id, home_id, device_id, device_kind, kind, priority, device_time, received_at,
  stored_at, seq, data, trial`;
const PER_ROW = 13;

/**
 * The PostgreSQL binding of {@link EventStore}. A turn's events go in one multi-row
 * `INSERT … ON CONFLICT (id) DO NOTHING RETURNING id` (a round trip per turn, not per event); an id
 * another instance is committing at the same moment waits for that commit and then counts as
 * already stored, so it is acked and never stored twice.
 */
export class PgEventStore implements EventStore {
  constructor(private readonly h: PgHandle) {}

  async gateways(ids: readonly string[]): Promise<Map<string, { homeId: string | null }>> {
    const out = new Map<string, { homeId: string | null }>();
    if (ids.length === 0) return out;
    const r = await this.h.sql.query<{ id: string; home_id: string | null }>(
      'SELECT id, home_id FROM gateways WHERE id = ANY($1::text[]) AND revoked_at IS NULL',
      [ids],
    );
    for (const row of r.rows) out.set(row.id, { homeId: row.home_id });
    return out;
  }

  async insertMany(items: readonly EventToStore[], storedAt: number): Promise<Set<string>> {
    const fresh = new Set<string>();
    // one statement per 500 events keeps the parameter count under PostgreSQL's 65,535
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500);
      const values: unknown[] = [];
      const rows: string[] = [];
      for (const { event, homeId } of chunk) {
        const base = values.length;
        values.push(...eventColumns(event, homeId, storedAt), event.trial === true);
        rows.push(`(${Array.from({ length: PER_ROW }, (_, k) => `$${base + k + 1}`).join(', ')})`);
      }
      const r = await this.h.sql.query<{ id: string }>(
        `INSERT INTO events (${COLUMNS}) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING RETURNING id`,
        values,
      );
      for (const row of r.rows) fresh.add(row.id);
    }
    // in `items`' order, as the SQLite binding answers
    const ordered = new Set<string>();
    for (const { event } of items) if (fresh.has(event.id)) ordered.add(event.id);
    return ordered;
  }

  async insert(e: EventEnvelope, homeId: string | null, storedAt: number): Promise<boolean> {
    return (await this.insertMany([{ event: e, homeId }], storedAt)).size === 1;
  }

  async insertCheckReport(
    r: CheckReportPayload,
    gatewayId: string,
    homeId: string | null,
    now: number,
  ): Promise<boolean> {
    const res = await this.h.sql.query(
      `INSERT INTO check_reports (id, gateway_id, home_id, at, technician, passed, steps, stored_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [r.id, gatewayId, homeId, r.at, r.technician ?? null, r.passed, JSON.stringify(r.steps), now],
    );
    return res.rowCount === 1;
  }

  async recentForHome(homeId: string, from: number, limit: number): Promise<StoredEventRow[]> {
    const r = await this.h.sql.query<EventRow>(
      `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE home_id = $1 AND received_at >= $2
       ORDER BY received_at DESC LIMIT $3`,
      [homeId, from, limit],
    );
    return r.rows.map(toStoredEvent);
  }
}
