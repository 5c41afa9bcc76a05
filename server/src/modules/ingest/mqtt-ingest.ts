import {
  allGatewaysFilter,
  type DecodedMqttMessage,
  decodeMqttMessage,
  type EventEnvelope,
  encodeMqttPayload,
  MAX_ACK_IDS,
  type TopicName,
  topicFor,
} from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { BrokerClient } from '../../broker/cluster/broker-client.js';
import type { Clock } from '../../clock.js';
import type { Metrics } from '../../metrics.js';
import type { DomainEventBus, DomainEventMap } from './domain-events.js';
import type { EventProcessor } from './event-processors.js';
import type { EventStore } from './event-store.js';
import { GatewayVersionWatch } from './gateway-version-watch.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { rejectReason } from './reject-reason.js';
import { TurnBatcher } from './turn-batcher.js';

/** The gateway → server topics the server ingests [MQTT-MAP §3]. */
export const INGEST_TOPICS: readonly TopicName[] = [
  'events',
  'heartbeat',
  'availability',
  'cmd/res',
  'check',
];

export interface MqttIngestDeps {
  mqtt: BrokerClient;
  clock: Clock;
  store: EventStore;
  bus: DomainEventBus;
  processors: readonly EventProcessor[];
  metrics: Metrics;
  ingestMetrics: IngestMetrics;
  log: FastifyBaseLogger;
  defer?: (fn: () => void) => void;
}

interface PendingEvent {
  kind: 'event';
  event: EventEnvelope;
  homeId: string | null;
}

/** A message other than an event, handled in the same turn's transaction (see {@link MqttIngest}). */
type PendingState =
  | { kind: 'heartbeat'; body: DomainEventMap['ingest.heartbeat'] }
  | { kind: 'availability'; body: DomainEventMap['ingest.availability'] }
  | { kind: 'check'; body: DomainEventMap['ingest.check'] };

type Pending = PendingEvent | PendingState;

/**
 * Validates every inbound gateway message with `decodeMqttMessage` [MQTT-MAP §2] (the topic's
 * gateway id must equal the payload's and the gateway must be enrolled and not revoked), counts and
 * logs rejects by reason (never the payload), stores events idempotently by id and acks them on
 * `…/ack` only after the SQLite commit [MQTT-MAP §4.2]; a duplicate is acked again, not stored again.
 *
 * One event-loop turn is one SQLite transaction (store README, "One transaction per turn"): the
 * turn's events with their in-transaction processors, and its heartbeats, availability messages
 * and check reports, whose listeners (health) write inside it. What those listeners emit on the
 * bus is held until the commit. If that transaction fails, nothing is acked and the other messages
 * are retried one transaction each, so a bad event cannot take a last will with it.
 */
export class MqttIngest {
  private readonly batcher: TurnBatcher<Pending>;
  /** Numbers the turns (processors do per-turn work once, see `EventProcessor`). */
  private turn = 0;
  /** Gateways looked up in the pending turn (see {@link gateway}). */
  private readonly known = new Map<string, { homeId: string | null } | null>();
  /** Gateway software versions from heartbeats, against the server's policy (docs/versioning.md). */
  readonly versions: GatewayVersionWatch;

  constructor(private readonly d: MqttIngestDeps) {
    this.batcher = new TurnBatcher((items) => this.storeBatch(items), d.defer);
    this.versions = new GatewayVersionWatch(d.log);
  }

  async start(): Promise<void> {
    for (const name of INGEST_TOPICS) {
      await this.d.mqtt.subscribe(
        allGatewaysFilter(name),
        (topic, payload) => this.handle(topic, payload),
        name === 'heartbeat' ? 0 : 1,
      );
    }
  }

  /** Stores and acks whatever is pending (shutdown). */
  flush(): void {
    this.batcher.drain();
  }

  handle(topic: string, payload: Buffer): void {
    const decoded = decodeMqttMessage(topic, payload);
    if (!decoded.ok) {
      // A zero-length retained availability is a cleared retained value, not an error [MQTT-MAP §2.1].
      if (decoded.error.code === 'BAKEN_ERR_PAYLOAD_EMPTY') return;
      const detail = decoded.error.detail as { path?: unknown };
      this.reject(
        topic,
        rejectReason(decoded.error.code),
        typeof detail.path === 'string' ? detail.path : undefined,
      );
      return;
    }
    const gw = this.gateway(decoded.value.gatewayId);
    if (!gw) {
      this.reject(topic, 'unknown_gateway');
      return;
    }
    this.dispatch(decoded.value, gw.homeId);
  }

  /**
   * The gateway's home, or undefined when it is unknown or revoked: read once per turn. The answers
   * are kept only while a turn is pending (until its batch is stored), so a revocation takes
   * effect from the next turn on, as it did when each message read it.
   */
  private gateway(id: string): { homeId: string | null } | undefined {
    if (!this.batcher.waiting) this.known.clear();
    if (this.known.has(id)) return this.known.get(id) ?? undefined;
    const gw = this.d.store.gateway(id);
    this.known.set(id, gw ?? null);
    return gw;
  }

  private dispatch(m: DecodedMqttMessage, homeId: string | null): void {
    const at = this.d.clock.now();
    switch (m.name) {
      case 'events':
        this.batcher.add({ kind: 'event', event: m.payload, homeId });
        return;
      case 'heartbeat':
        this.versions.observe(m.gatewayId, m.payload.software);
        this.batcher.add({
          kind: 'heartbeat',
          body: { heartbeat: m.payload, gatewayId: m.gatewayId, homeId, at },
        });
        return;
      case 'availability':
        this.batcher.add({
          kind: 'availability',
          body: { availability: m.payload, gatewayId: m.gatewayId, homeId, at },
        });
        return;
      case 'check':
        this.batcher.add({ kind: 'check', body: { report: m.payload, gatewayId: m.gatewayId, homeId, at } });
        return;
      case 'cmd/res':
        this.d.bus.emit('command.result', { result: m.payload, gatewayId: m.gatewayId, at });
        return;
      default:
        // A server → gateway topic echoed back to us (our own publish): not ingest's business.
        return;
    }
  }

  private reject(topic: string, reason: string, path?: string): void {
    this.d.metrics.mqttRejected.inc({ reason });
    this.d.log.warn({ topic, reason, ...(path !== undefined ? { path } : {}) }, 'mqtt payload rejected');
  }

  /** A heartbeat, availability or check report: its own writes plus what its listeners write. */
  private applyState(it: PendingState): void {
    const { bus, store } = this.d;
    if (it.kind === 'heartbeat') bus.deliver('ingest.heartbeat', it.body);
    else if (it.kind === 'availability') bus.deliver('ingest.availability', it.body);
    else {
      const b = it.body;
      store.insertCheckReport(b.report, b.gatewayId, b.homeId, b.at);
      bus.deliver('ingest.check', b);
    }
  }

  private storeBatch(all: Pending[]): void {
    const storedAt = this.d.clock.now();
    const turn = ++this.turn;
    this.known.clear();
    const items: PendingEvent[] = [];
    const fresh: PendingEvent[] = [];
    const after: Array<() => void> = [];
    try {
      this.d.bus.holdWhile(
        () =>
          this.d.store.transaction(() => {
            for (const it of all) {
              if (it.kind !== 'event') {
                this.applyState(it);
                continue;
              }
              items.push(it);
              if (!this.d.store.insert(it.event, it.homeId, storedAt)) continue;
              fresh.push(it);
              for (const p of this.d.processors) {
                const cb = p(it.event, { homeId: it.homeId, storedAt, turn });
                if (cb) after.push(cb);
              }
            }
          }),
        // acked before listeners hear what the turn changed [MQTT-MAP §4.2]
        () => this.sendAcks(items),
      );
    } catch (err) {
      // Nothing is acked: the gateway keeps the events in its outbox and sends them again.
      const events = all.filter((it): it is PendingEvent => it.kind === 'event');
      if (events.length > 0) this.d.metrics.mqttRejected.inc({ reason: 'store_error' }, events.length);
      this.d.log.error({ err }, 'storing events failed; not acked');
      this.retryStates(all);
      return;
    }
    if (items.length === 0) return;
    const stored = new Set(fresh);
    const counts = new Map<string, number>();
    for (const it of items) {
      const k = `${it.event.deviceKind}\u0000${stored.has(it) ? 'stored' : 'duplicate'}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const [k, n] of counts) {
      const [device_kind, outcome] = k.split('\u0000') as [string, string];
      this.d.ingestMetrics.eventsIngested.inc({ device_kind, outcome }, n);
    }
    for (const it of fresh) {
      this.d.ingestMetrics.ingestLatency.observe(
        { priority: it.event.priority },
        Math.max(0, storedAt - it.event.receivedAt) / 1000,
      );
    }
    for (const it of fresh) this.d.bus.emit('ingest.event', { event: it.event, homeId: it.homeId, storedAt });
    for (const cb of after) {
      try {
        cb();
      } catch (err) {
        this.d.log.error({ err }, 'post-commit event handler failed');
      }
    }
  }

  /** After a failed turn: each non-event message again, in a transaction of its own. */
  private retryStates(all: Pending[]): void {
    for (const it of all) {
      if (it.kind === 'event') continue;
      try {
        this.d.bus.holdWhile(() => this.d.store.transaction(() => this.applyState(it)));
      } catch (err) {
        this.d.metrics.mqttRejected.inc({ reason: 'store_error' });
        this.d.log.error({ err, kind: it.kind }, 'storing a gateway message failed');
      }
    }
  }

  private sendAcks(items: PendingEvent[]): void {
    const byGateway = new Map<string, Set<string>>();
    for (const it of items) {
      const ids = byGateway.get(it.event.gatewayId);
      if (ids) ids.add(it.event.id);
      else byGateway.set(it.event.gatewayId, new Set([it.event.id]));
    }
    for (const [gatewayId, set] of byGateway) {
      const ids = [...set];
      for (let i = 0; i < ids.length; i += MAX_ACK_IDS) {
        const payload = encodeMqttPayload('ack', { v: 1, ids: ids.slice(i, i + MAX_ACK_IDS) });
        this.d.mqtt.publish(topicFor('ack', gatewayId), payload, { qos: 1 }).catch((err: unknown) => {
          this.d.log.warn({ err, gatewayId }, 'ack publish failed; the gateway will re-send');
        });
      }
    }
  }
}
