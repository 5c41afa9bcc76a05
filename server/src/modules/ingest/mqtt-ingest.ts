import {
  allGatewaysFilter,
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
import type { Storage } from '../../store/storage.js';
import type { DomainEventBus, DomainEventMap } from './domain-events.js';
import type { TurnContext, TurnProcessor } from './event-processors.js';
import type { EventStore, EventToStore } from './event-store.js';
import { eventStoreOn } from './event-store-on.js';
import {
  applyStatesIn,
  type EventTurnDeps,
  nextTurn,
  type StateHandlers,
  type StateMessage,
  storeEventsIn,
  turnTransaction,
} from './event-turn.js';
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
  /** Where a turn is stored: one transaction of the deployment's database per turn. */
  storage: Storage;
  bus: DomainEventBus;
  processors: readonly TurnProcessor[];
  /** Heartbeat, availability and check handlers, awaited inside the turn (health's state), once per turn. */
  stateHandlers: StateHandlers;
  /** Last inside each turn's transaction (the clustered live stream): see `EventTurnDeps`. */
  beforeCommit?: EventTurnDeps['beforeCommit'];
  metrics: Metrics;
  ingestMetrics: IngestMetrics;
  log: FastifyBaseLogger;
  defer?: (fn: () => void) => void;
  /** Starts the turn of an alarm (`TurnBatcher`'s urgent item); a microtask unless given. */
  deferUrgent?: (fn: () => void) => void;
  /**
   * Lets a turn of the event loop pass between a turn's alarms and the rest of it (see
   * {@link MqttIngest}); `setImmediate` unless given (tests order it themselves).
   */
  yieldTurn?: (fn: () => void) => void;
}

/** A validated message waiting for its turn; its gateway is checked inside the turn. */
type Incoming =
  | { kind: 'event'; topic: string; gatewayId: string; event: EventEnvelope }
  | {
      kind: 'heartbeat';
      topic: string;
      gatewayId: string;
      body: Omit<DomainEventMap['ingest.heartbeat'], 'homeId'>;
    }
  | {
      kind: 'availability';
      topic: string;
      gatewayId: string;
      body: Omit<DomainEventMap['ingest.availability'], 'homeId'>;
    }
  | { kind: 'check'; topic: string; gatewayId: string; body: Omit<DomainEventMap['ingest.check'], 'homeId'> }
  | { kind: 'cmd/res'; topic: string; gatewayId: string; body: DomainEventMap['command.result'] };

/** How often alarms read while a turn's state messages wait may go ahead of them (a storm of alarms cannot starve them). */
const ALARM_ROUNDS = 8;

const isState = (m: Incoming): boolean =>
  m.kind === 'heartbeat' || m.kind === 'availability' || m.kind === 'check';
const isEvent = (m: Incoming): m is Extract<Incoming, { kind: 'event' }> => m.kind === 'event';
const isAlarm = (m: Incoming): boolean => m.kind === 'event' && m.event.priority === 'alarm';

interface PendingEvent {
  kind: 'event';
  event: EventEnvelope;
  homeId: string | null;
}

type PendingState = StateMessage;

type Pending = PendingEvent | PendingState | { kind: 'cmd/res'; body: DomainEventMap['command.result'] };

/**
 * Validates every inbound gateway message with `decodeMqttMessage` [MQTT-MAP §2] (the topic's
 * gateway id must equal the payload's and the gateway must be enrolled and not revoked), counts and
 * logs rejects by reason (never the payload), stores events idempotently by id and acks them on
 * `…/ack` only after the commit [MQTT-MAP §4.2]; a duplicate is acked again, not stored again.
 *
 * One turn is one transaction of `storage` (store README, "One transaction per turn"): the turn's
 * events with their in-transaction processors, and its heartbeats, availability messages and check
 * reports with their state handlers (health), all on the turn's transaction handle. What is emitted
 * on the bus meanwhile is held until the commit. If that transaction fails, nothing is acked and the
 * other messages are retried one transaction each, so a bad event cannot take a last will with it.
 * Turns are stored one at a time, in arrival order.
 *
 * Alarms first (docs/scaling.md §3, "Alarms first"): an alarm-priority event starts its turn at
 * once (a microtask after the broker hands it over, not after the rest of the event loop's turn).
 * A turn that holds one and heartbeats, availability messages or check reports stores its events
 * in a transaction of their own and acks them once it commits, lets a turn of the event loop pass
 * (the acks reach their sockets, new input is read; events of alarms read meanwhile are stored
 * next, each time), then stores the rest in a transaction of its own. A reconnect storm's `online`
 * messages and what health and the other modules do with them no longer delay an alarm. Each part
 * keeps the turn's guarantees (acked only after its commit; the state messages of a failed part
 * retried one transaction each); events were always applied before the state messages of their
 * turn, and they still are, now also before those of the turn they overtook.
 */
export class MqttIngest {
  private readonly batcher: TurnBatcher<Incoming>;
  /** Gateway software versions from heartbeats, against the server's policy (docs/versioning.md). */
  readonly versions: GatewayVersionWatch;

  constructor(private readonly d: MqttIngestDeps) {
    this.batcher = new TurnBatcher((items) => this.storeTurn(items), d.defer, d.deferUrgent);
    this.versions = new GatewayVersionWatch(d.log);
  }

  async start(): Promise<void> {
    // A queue-backed uplink acks each message when the promise of its turn settles (at the commit).
    const handler = this.d.mqtt.acksAfterHandler
      ? (topic: string, payload: Buffer) =>
          this.handle(topic, payload) ? this.batcher.whenStored() : undefined
      : (topic: string, payload: Buffer) => void this.handle(topic, payload);
    for (const name of INGEST_TOPICS) {
      await this.d.mqtt.subscribe(allGatewaysFilter(name), handler, name === 'heartbeat' ? 0 : 1);
    }
  }

  /** Stores and acks whatever is pending, and waits for it (shutdown, tests). */
  flush(): Promise<void> {
    return this.batcher.drain();
  }

  /** Queues a valid message for the next turn and says so; a rejected one is counted and dropped. */
  handle(topic: string, payload: Buffer): boolean {
    const decoded = decodeMqttMessage(topic, payload);
    if (!decoded.ok) {
      // A zero-length retained availability is a cleared retained value, not an error [MQTT-MAP §2.1].
      if (decoded.error.code === 'BAKEN_ERR_PAYLOAD_EMPTY') return false;
      const detail = decoded.error.detail as { path?: unknown };
      this.reject(
        topic,
        rejectReason(decoded.error.code),
        typeof detail.path === 'string' ? detail.path : undefined,
      );
      return false;
    }
    const m = decoded.value;
    const at = this.d.clock.now();
    const { gatewayId } = m;
    switch (m.name) {
      case 'events':
        this.batcher.add(
          { kind: 'event', topic, gatewayId, event: m.payload },
          m.payload.priority === 'alarm',
        );
        return true;
      case 'heartbeat':
        this.batcher.add({
          kind: 'heartbeat',
          topic,
          gatewayId,
          body: { heartbeat: m.payload, gatewayId, at },
        });
        return true;
      case 'availability':
        this.batcher.add({
          kind: 'availability',
          topic,
          gatewayId,
          body: { availability: m.payload, gatewayId, at },
        });
        return true;
      case 'check':
        this.batcher.add({ kind: 'check', topic, gatewayId, body: { report: m.payload, gatewayId, at } });
        return true;
      case 'cmd/res':
        this.batcher.add({ kind: 'cmd/res', topic, gatewayId, body: { result: m.payload, gatewayId, at } });
        return true;
      default:
        // A server → gateway topic echoed back to us (our own publish): not ingest's business.
        return false;
    }
  }

  private reject(topic: string, reason: string, path?: string): void {
    this.d.metrics.mqttRejected.inc({ reason });
    this.d.log.warn({ topic, reason, ...(path !== undefined ? { path } : {}) }, 'mqtt payload rejected');
  }

  /**
   * The turn's messages whose gateway is enrolled and not revoked, with its home. The gateways are
   * read once per turn, inside its transaction, so a revocation takes effect from the next turn on.
   */
  private async admit(events: EventStore, incoming: Incoming[], rejected: Incoming[]): Promise<Pending[]> {
    const ids = [...new Set(incoming.map((m) => m.gatewayId))];
    const known = await events.gateways(ids);
    const out: Pending[] = [];
    for (const m of incoming) {
      const gw = known.get(m.gatewayId);
      if (!gw) {
        rejected.push(m);
        continue;
      }
      const { homeId } = gw;
      if (m.kind === 'event') out.push({ kind: 'event', event: m.event, homeId });
      else if (m.kind === 'cmd/res') out.push(m);
      else out.push({ kind: m.kind, body: { ...m.body, homeId } } as PendingState);
    }
    return out;
  }

  private async storeTurn(incoming: Incoming[]): Promise<void> {
    const events = incoming.filter(isEvent);
    if (!events.some(isAlarm) || !incoming.some(isState)) return this.storeOne(incoming);
    let failed: { err: unknown } | null = null;
    const fail = (err: unknown) => {
      failed ??= { err };
    };
    await this.storeOne(events).catch(fail);
    // acks out; alarms read meanwhile are stored (and acked) before this turn's state messages
    for (let round = 0; round < ALARM_ROUNDS; round++) {
      await new Promise<void>((resolve) => (this.d.yieldTurn ?? setImmediate)(() => resolve()));
      if (!this.batcher.somePending(isAlarm)) break;
      const more = this.batcher.take(isEvent);
      await this.storeOne(more).catch((err: unknown) => {
        // theirs is the next turn's promise: they are stored with it, or it fails
        this.batcher.putBack(more);
        fail(err);
      });
      if (failed !== null) break;
    }
    await this.storeOne(incoming.filter((m) => !isEvent(m))).catch(fail);
    // a queue-backed uplink sends the turn's messages back (`TurnBatcher.whenStored`); the stored
    // ones are then acked again as duplicates
    if (failed !== null) throw (failed as { err: unknown }).err;
  }

  /** One transaction of `incoming` (a whole turn, or one part of an alarms-first turn). */
  private async storeOne(incoming: Incoming[]): Promise<void> {
    const storedAt = this.d.clock.now();
    const turn = nextTurn();
    const rejected: Incoming[] = [];
    let admitted = null as Pending[] | null;
    const items: PendingEvent[] = [];
    let fresh: EventToStore[] = [];
    let after: Array<() => void> = [];
    try {
      await turnTransaction(
        this.d,
        async (tx) => {
          const events = eventStoreOn(tx);
          const all = await this.admit(events, incoming, rejected);
          admitted = all;
          for (const it of all) if (it.kind === 'event') items.push(it);
          const stored = await storeEventsIn(tx, items, this.d.processors, turn, storedAt);
          fresh = stored.fresh;
          after = stored.after;
          const ctx: TurnContext = { tx, turn, storedAt };
          const states: PendingState[] = [];
          for (const it of all) {
            if (it.kind === 'cmd/res') this.d.bus.emit('command.result', it.body);
            else if (it.kind !== 'event') states.push(it);
          }
          await applyStatesIn(this.d, states, ctx);
          return { value: undefined, after };
        },
        // acked before listeners hear what the turn changed [MQTT-MAP §4.2]
        () => this.sendAcks(items),
      );
    } catch (err) {
      this.rejectUnknown(rejected);
      // Nothing is acked: the gateway keeps the events in its outbox and sends them again.
      const n =
        incoming.filter((m) => m.kind === 'event').length - rejected.filter((m) => m.kind === 'event').length;
      if (n > 0) this.d.metrics.mqttRejected.inc({ reason: 'store_error' }, n);
      this.d.log.error({ err }, 'storing events failed; not acked');
      if (admitted !== null) await this.retryStates(admitted);
      // the turn's messages go back to a queue-backed uplink (`TurnBatcher.whenStored`)
      throw err;
    }
    this.rejectUnknown(rejected);
    for (const it of admitted ?? [])
      if (it.kind === 'heartbeat') this.versions.observe(it.body.gatewayId, it.body.heartbeat.software);
    this.afterCommit(items, fresh, storedAt, after);
  }

  private rejectUnknown(rejected: Incoming[]): void {
    for (const m of rejected) this.reject(m.topic, 'unknown_gateway');
  }

  private afterCommit(
    items: PendingEvent[],
    fresh: EventToStore[],
    storedAt: number,
    after: Array<() => void>,
  ): void {
    if (items.length === 0) return;
    // stored and duplicate counts by device kind; an id twice in one turn is stored once
    const counts = new Map<string, { stored: number; duplicate: number }>();
    for (const it of items) {
      const k = it.event.deviceKind;
      const c = counts.get(k);
      if (c) c.duplicate += 1;
      else counts.set(k, { stored: 0, duplicate: 1 });
    }
    for (const it of fresh) {
      const c = counts.get(it.event.deviceKind)!;
      c.stored += 1;
      c.duplicate -= 1;
    }
    for (const [device_kind, c] of counts) {
      if (c.stored > 0) this.d.ingestMetrics.eventsIngested.inc({ device_kind, outcome: 'stored' }, c.stored);
      if (c.duplicate > 0)
        this.d.ingestMetrics.eventsIngested.inc({ device_kind, outcome: 'duplicate' }, c.duplicate);
    }
    // one labels object per priority: the histogram hashes them on every observation anyway
    const byPriority = new Map<string, { priority: string }>();
    for (const it of fresh) {
      const p = it.event.priority;
      let labels = byPriority.get(p);
      if (labels === undefined) {
        labels = { priority: p };
        byPriority.set(p, labels);
      }
      this.d.ingestMetrics.ingestLatency.observe(labels, Math.max(0, storedAt - it.event.receivedAt) / 1000);
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
  private async retryStates(all: Pending[]): Promise<void> {
    for (const it of all) {
      if (it.kind === 'event') continue;
      if (it.kind === 'cmd/res') {
        this.d.bus.emit('command.result', it.body);
        continue;
      }
      try {
        await turnTransaction(this.d, async (tx) => {
          await applyStatesIn(this.d, [it], { tx, turn: nextTurn(), storedAt: this.d.clock.now() });
          return { value: undefined, after: [] };
        });
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
