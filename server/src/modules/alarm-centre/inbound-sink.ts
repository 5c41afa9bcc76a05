import type { EventEnvelope, HeartbeatPayload } from '@baken/protocols';
import type { StoreHandle } from '../../store/storage.js';
import type { IngestApi } from '../ingest/index.js';

/**
 * Where the DC-09 receiver hands what a third-party unit sent: the same ingest turn — event store,
 * in-transaction processors (alarm inbox, outbound queue), state handlers and domain bus (health,
 * incidents, budgets, live stream) — as gateway input over MQTT [MQTT-MAP §4.1], so the rest of
 * Baken cannot tell the difference.
 */
export interface InboundSink {
  /**
   * Stores `events` in one ingest turn with their processors and runs `fn` last inside it (`tx`:
   * build the receiver's stores on it and await only those), then (after the commit) announces
   * them. Rejects when the store fails (nothing is committed: the receiver does not ACK and the
   * unit sends again).
   */
  commit(
    homeId: string,
    events: readonly EventEnvelope[],
    fn: (tx: StoreHandle) => Promise<void>,
  ): Promise<void>;
  /** A sign of life (supervision poll, periodic test) with the unit's supervision interval. */
  heartbeat(gatewayId: string, homeId: string, intervalS: number, at: number): Promise<void>;
}

/** The software a DC-09 unit reports in health views (it sends none of its own). */
export const DC09_UNIT_SOFTWARE = 'dc09';

export function ingestSink(ingest: Pick<IngestApi, 'storeTurn'>): InboundSink {
  return {
    async commit(homeId, events, fn) {
      await ingest.storeTurn({
        events: events.map((event) => ({ event, homeId })),
        // the receiver's own log of the message
        within: fn,
      });
    },
    async heartbeat(gatewayId, homeId, intervalS, at) {
      const heartbeat: HeartbeatPayload = {
        v: 1,
        gatewayId,
        sentAt: at,
        uptimeS: 0,
        software: DC09_UNIT_SOFTWARE,
        intervalS: Math.min(86_400, Math.max(1, intervalS)),
        outbox: { depth: 0, oldestAgeS: null },
        scan: { running: true, restarts: 0 },
        devices: [],
      };
      await ingest.storeTurn({ states: [{ kind: 'heartbeat', body: { heartbeat, gatewayId, homeId, at } }] });
    },
  };
}
