import type { EventEnvelope, HeartbeatPayload } from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { Storage, StoreHandle } from '../../store/storage.js';
import type { DomainEventBus, EventProcessor, EventStore } from '../ingest/index.js';

/**
 * Where the DC-09 receiver hands what a third-party unit sent: the same event store, in-transaction
 * processors (alarm inbox, outbound queue) and domain bus (health, incidents, budgets, live stream)
 * as gateway events over MQTT [MQTT-MAP §4.1], so the rest of Baken cannot tell the difference.
 */
export interface InboundSink {
  /**
   * Runs `fn` on one transaction (`tx`: build the receiver's stores on it and await only those)
   * and stores `events` in it with their processors, then (after the commit) announces them.
   * Rejects when the store fails (nothing is committed: the receiver does not ACK and the unit
   * sends again).
   */
  commit(
    homeId: string,
    events: readonly EventEnvelope[],
    fn: (tx: StoreHandle) => Promise<void>,
  ): Promise<void>;
  /** A sign of life (supervision poll, periodic test) with the unit's supervision interval. */
  heartbeat(gatewayId: string, homeId: string, intervalS: number, at: number): void;
}

export interface IngestSinkDeps {
  storage: Storage;
  /** The synchronous event store on the same SQLite connection: it writes into `storage`'s open transaction. */
  store: EventStore;
  processors: readonly EventProcessor[];
  bus: DomainEventBus;
  log: FastifyBaseLogger;
  now: () => number;
}

/** The software a DC-09 unit reports in health views (it sends none of its own). */
export const DC09_UNIT_SOFTWARE = 'dc09';

export function ingestSink(d: IngestSinkDeps): InboundSink {
  return {
    async commit(homeId, events, fn) {
      const storedAt = d.now();
      const fresh: EventEnvelope[] = [];
      const after: Array<() => void> = [];
      await d.storage.transaction(async (tx) => {
        await fn(tx);
        d.store.transaction(() => {
          for (const e of events) {
            if (!d.store.insert(e, homeId, storedAt)) continue;
            fresh.push(e);
            for (const p of d.processors) {
              const cb = p(e, { homeId, storedAt });
              if (cb) after.push(cb);
            }
          }
        });
      });
      for (const event of fresh) d.bus.emit('ingest.event', { event, homeId, storedAt });
      for (const cb of after) {
        try {
          cb();
        } catch (err) {
          d.log.error({ err }, 'post-commit event handler failed');
        }
      }
    },
    heartbeat(gatewayId, homeId, intervalS, at) {
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
      d.bus.emit('ingest.heartbeat', { heartbeat, gatewayId, homeId, at });
    },
  };
}
