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

/**
 * Ingested events and check reports. Synchronous by design: ingest writes a
 * whole burst in one {@link EventStore.transaction} and acks only after it commits [MQTT-MAP §4.2].
 */
export interface EventStore {
  /** The gateway's home, or `undefined` when the gateway is unknown or revoked. */
  gateway(id: string): { homeId: string | null } | undefined;
  /** Stores the event unless its id is already stored; true when it is new. */
  insert(e: EventEnvelope, homeId: string | null, storedAt: number): boolean;
  /** Stores a check report unless its id is already stored; true when it is new. */
  insertCheckReport(r: CheckReportPayload, gatewayId: string, homeId: string | null, now: number): boolean;
  /** The latest events of a home since `from`, newest first (the home timeline). */
  recentForHome(homeId: string, from: number, limit: number): StoredEventRow[];
  /**
   * Runs `fn` in one transaction of the storage binding; every store of the same binding written
   * inside `fn` (the in-transaction event processors) commits or rolls back with it.
   */
  transaction<T>(fn: () => T): T;
}
