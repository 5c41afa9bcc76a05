import type { CheckReportPayload, EventEnvelope } from '@baken/protocols';

export interface StoredEventRow {
  id: string;
  gatewayId: string;
  homeId: string | null;
  deviceId: string;
  deviceKind: string;
  kind: string;
  priority: string;
  deviceTime: number | null;
  receivedAt: number;
  storedAt: number;
  seq: number | null;
  data: unknown;
  /** Sent during the installation check: a trial, never an alarm [MQTT-MAP §4.1.1]. */
  trial: boolean;
}

/** An event to store with the home its gateway belonged to when it arrived. */
export interface EventToStore {
  event: EventEnvelope;
  homeId: string | null;
}

/**
 * Ingested events and check reports. Ingest writes a whole turn through the store built on the
 * turn's transaction (`eventStoreOn(tx)`) and acks only after that transaction commits
 * [MQTT-MAP §4.2]. Stored once by id: a duplicate — also one delivered to a second instance
 * while the first is still committing — is "already stored", never an error.
 */
export interface EventStore {
  /** The homes of those of `ids` that are enrolled and not revoked; unknown or revoked ids are absent. */
  gateways(ids: readonly string[]): Promise<Map<string, { homeId: string | null }>>;
  /** Stores each event unless its id is already stored; the ids that were new, in `items`' order. */
  insertMany(items: readonly EventToStore[], storedAt: number): Promise<Set<string>>;
  /** Stores the event unless its id is already stored; true when it is new. */
  insert(e: EventEnvelope, homeId: string | null, storedAt: number): Promise<boolean>;
  /** Stores a check report unless its id is already stored; true when it is new. */
  insertCheckReport(
    r: CheckReportPayload,
    gatewayId: string,
    homeId: string | null,
    now: number,
  ): Promise<boolean>;
  /** The latest events of a home since `from`, newest first (the home timeline). */
  recentForHome(homeId: string, from: number, limit: number): Promise<StoredEventRow[]>;
}

/** An event's columns in table order (both bindings insert the same values). */
export function eventColumns(e: EventEnvelope, homeId: string | null, storedAt: number) {
  return [
    e.id,
    e.gatewayId,
    homeId,
    e.deviceId,
    e.deviceKind,
    e.kind,
    e.priority,
    e.deviceTime,
    e.receivedAt,
    storedAt,
    e.seq ?? null,
    JSON.stringify(e.data),
  ] as const;
}

/** A row of `events` as both bindings read it (`trial` is 0/1 in SQLite, BOOLEAN in PostgreSQL). */
export type EventRow = Omit<StoredEventRow, 'data' | 'trial'> & { data: string; trial: boolean | 0 | 1 };

export function toStoredEvent(r: EventRow): StoredEventRow {
  return { ...r, data: JSON.parse(r.data) as unknown, trial: r.trial === true || r.trial === 1 };
}

/** The columns of the home timeline, aliased to {@link EventRow}'s names. */
export const EVENT_ROW_COLUMNS = `id, gateway_id AS "gatewayId", home_id AS "homeId", device_id AS "deviceId",
  device_kind AS "deviceKind", kind, priority, device_time AS "deviceTime", received_at AS "receivedAt",
  stored_at AS "storedAt", seq, data, trial`;
