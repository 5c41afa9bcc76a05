import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AvailabilityPayload,
  CheckReportPayload,
  EventEnvelope,
  HeartbeatPayload,
  MqttCommandResponse,
} from '@baken/protocols';

/** Connectivity of a gateway or device: explicit, never "available" by default. */
export type LinkState = 'online' | 'stale' | 'offline' | 'unknown';

/** Minimal views carried on the bus; subscribers re-read details over the HTTP API when needed. */
export interface AlarmEventBody {
  alarmId: string;
  homeId: string | null;
  gatewayId: string;
  deviceId: string;
  kind: 'alarm' | 'fall';
  state: string;
  /** The care worker it is assigned to, if any (the stream shows a care worker only their own). */
  assignedUserId: string | null;
  at: number;
}
export interface IncidentEventBody {
  incidentId: number;
  /** `storage`: a home unit's degraded outbox disk (raised on the home, not counted as downtime). */
  subjectKind: 'gateway' | 'device' | 'platform' | 'storage';
  subjectId: string;
  gatewayId: string | null;
  homeId: string | null;
  cause: string;
  startedAt: number;
  endedAt: number | null;
  downtimeMs: number | null;
}

/**
 * What became of an alarm at the home's alarm centre over DC-09 [docs/alarm-centre.md]: queued when
 * the follow-up chain handed it over (or `no_account`: the home has no link), then each try
 * (`delivered` on ACK, `refused` on DUH, `failed`, with `nextReceiver` on a failover).
 */
export interface AlarmCentreDeliveryBody {
  alarmId: string;
  homeId: string;
  state: 'queued' | 'no_account' | 'delivered' | 'refused' | 'failed';
  /** The message's DC-09 sequence number; null when nothing was queued. */
  seq: number | null;
  /** `host:port/transport` of the receiver tried. */
  receiver: string | null;
  nextReceiver: string | null;
  error: string | null;
  attempts: number;
  at: number;
}

/**
 * An access alert raised or acknowledged. Deliberately minimal: it reaches every
 * stream subscriber, so it names no person or message; the Access page re-reads the alert API.
 */
export interface AccessAlertEventBody {
  alertId: string;
  kind: string;
  state: 'open' | 'acknowledged';
  at: number;
}

/**
 * Every message on the in-process domain bus. `ingest.*` and `command.result` carry validated
 * gateway input (after the SQLite commit for events); the others are state changes for the live
 * dashboard. Payloads never contain secrets.
 */
export interface DomainEventMap {
  'ingest.event': { event: EventEnvelope; homeId: string | null; storedAt: number };
  'ingest.heartbeat': { heartbeat: HeartbeatPayload; gatewayId: string; homeId: string | null; at: number };
  'ingest.availability': {
    availability: AvailabilityPayload;
    gatewayId: string;
    homeId: string | null;
    at: number;
  };
  'ingest.check': { report: CheckReportPayload; gatewayId: string; homeId: string | null; at: number };
  'command.result': { result: MqttCommandResponse; gatewayId: string; at: number };
  'alarm.created': AlarmEventBody;
  'alarm.updated': AlarmEventBody & { action: string; byUserId: string | null };
  'incident.opened': IncidentEventBody;
  'incident.closed': IncidentEventBody;
  'device.updated': {
    subjectKind: 'gateway' | 'device';
    gatewayId: string;
    deviceId: string;
    homeId: string | null;
    state: LinkState;
    at: number;
  };
  'warning.opened': { warningId: number; gatewayId: string; deviceId: string; kind: string; at: number };
  'warning.closed': { warningId: number; gatewayId: string; deviceId: string; kind: string; at: number };
  'access.alert': AccessAlertEventBody;
  'alarm-centre.delivery': AlarmCentreDeliveryBody;
  'budget.alert': {
    alertId: number;
    scope: string;
    kind: string;
    at: number;
    detail: Record<string, unknown>;
  };
}
export type DomainEventName = keyof DomainEventMap;
export type DomainEvent = { [K in DomainEventName]: { type: K; body: DomainEventMap[K] } }[DomainEventName];

type Listener<K extends DomainEventName> = (body: DomainEventMap[K]) => void;

/**
 * A typed, synchronous in-process publish/subscribe bus. A listener that throws is reported to
 * `onError` and never stops the other listeners or the publisher.
 */
export class DomainEventBus {
  private readonly listeners = new Map<DomainEventName, Set<(body: never) => void>>();
  private readonly any = new Set<(e: DomainEvent) => void>();
  /** Events emitted while an unscoped {@link holdDuring} runs, delivered when it returns. */
  private held: DomainEvent[] | null = null;
  /**
   * The events held by the {@link holdDuring} call the current async call chain runs in, while it
   * runs: work it started without awaiting may emit after it ended, and is then delivered at once.
   */
  private readonly holding = new AsyncLocalStorage<{ events: DomainEvent[]; open: boolean }>();
  /**
   * Scoped holds under way. The last to end switches {@link holding} off: on Node 20 an enabled
   * `AsyncLocalStorage` leaves promise hooks on that slow every `await` of the process (about
   * 2.4×, docs/scaling.md "A served page and the ingest turn"), so they are on only while a turn
   * holds, not from the first turn on.
   */
  private scopedHolds = 0;
  private readonly rollbackListeners = new Set<() => void>();

  /** @param onError where listener failures go (the ingest module passes the app log). */
  constructor(private readonly onError: (err: unknown, type: DomainEventName) => void = () => {}) {}

  on<K extends DomainEventName>(type: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const f = fn as (body: never) => void;
    set.add(f);
    return () => set.delete(f);
  }

  /** Every event, e.g. for the server-sent event stream. */
  onAny(fn: (e: DomainEvent) => void): () => void {
    this.any.add(fn);
    return () => this.any.delete(fn);
  }

  /**
   * `fn` runs when a {@link holdDuring} block throws — its transaction rolled back — so a listener
   * that keeps in memory what it wrote inside the turn (health's memo) can forget it.
   */
  onRollback(fn: () => void): () => void {
    this.rollbackListeners.add(fn);
    return () => this.rollbackListeners.delete(fn);
  }

  /** After a held block threw: its events are dropped; tell the rollback listeners. */
  private rolledBack(): void {
    for (const l of this.rollbackListeners) {
      try {
        l();
      } catch (e) {
        this.onError(e, 'ingest.event');
      }
    }
  }

  /** After a held block returned: `committed`, then the held events in order. */
  private committed<T>(out: T, held: readonly DomainEvent[], committed?: (out: T) => void): void {
    if (committed) {
      try {
        committed(out);
      } catch (err) {
        this.onError(err, 'ingest.event');
      }
    }
    for (const e of held) this.deliver(e.type, e.body as never);
  }

  /**
   * Runs `fn` (the ingest turn's transaction) with {@link emit} held back; when `fn` resolves — the
   * transaction committed — the held events are delivered in order; when it rejects they are
   * dropped, so no listener hears of a change that was rolled back, and the {@link onRollback}
   * listeners are called. Only {@link deliver} reaches listeners meanwhile. `committed` runs after
   * `fn` and before the held events are delivered (ingest sends its acks there, so an alarm's ack
   * does not wait for what listeners do with the turn's heartbeats); if it throws, that is reported
   * to `onError`, never taken for a rollback. A nested call just runs `fn`, then `committed`.
   * Two ways to hold:
   * - `scoped: false` (SQLite): every emit while `fn` runs is held. The whole turn runs in one turn
   *   of the event loop (the SQLite guard refuses one that does not), so nothing else runs meanwhile
   *   but work the turn itself started.
   * - `scoped: true` (PostgreSQL, whose turn awaits the network): only what `fn`'s own call chain
   *   emits is held (`AsyncLocalStorage`); other work emitting meanwhile (an HTTP request's change)
   *   is delivered at once, never dropped with this transaction's rollback. Not the default: on
   *   Node 20 an active `AsyncLocalStorage` makes every promise of the process slower (measured: the
   *   SQLite ingest turn's CPU per event 1.16× → 1.38× the synchronous turn's).
   * Work the turn started without awaiting that emits after the hold ended is delivered at once.
   */
  async holdDuring<T>(
    fn: () => Promise<T>,
    committed?: (out: T) => void,
    opts: { scoped?: boolean } = {},
  ): Promise<T> {
    if (this.held !== null || this.holding.getStore()?.open === true) {
      const out = await fn();
      committed?.(out);
      return out;
    }
    const hold = { events: [] as DomainEvent[], open: true };
    const held = hold.events;
    let out: T;
    try {
      if (opts.scoped) {
        this.scopedHolds += 1;
        try {
          out = await this.holding.run(hold, fn);
        } finally {
          this.scopedHolds -= 1;
          if (this.scopedHolds === 0) this.holding.disable();
        }
      } else {
        this.held = held;
        try {
          out = await fn();
        } finally {
          this.held = null;
        }
      }
    } catch (err) {
      hold.open = false;
      this.rolledBack();
      throw err;
    }
    hold.open = false;
    this.committed(out, held, committed);
    return out;
  }

  /**
   * The events the {@link holdDuring} this call chain runs in holds so far, in order (none outside
   * one): what a turn writes to the live stream inside its own transaction before it commits.
   */
  heldNow(): readonly DomainEvent[] {
    const hold = this.holding.getStore();
    return [...(this.held ?? (hold?.open === true ? hold.events : []))];
  }

  emit<K extends DomainEventName>(type: K, body: DomainEventMap[K]): void {
    const hold = this.holding.getStore();
    const held = this.held ?? (hold?.open === true ? hold.events : undefined);
    if (held !== undefined) {
      held.push({ type, body } as DomainEvent);
      return;
    }
    this.deliver(type, body);
  }

  /**
   * Delivers at once, even inside {@link holdDuring}: how ingest hands a message to the listeners
   * that write its consequences inside the turn's transaction.
   */
  deliver<K extends DomainEventName>(type: K, body: DomainEventMap[K]): void {
    for (const fn of this.listeners.get(type) ?? []) {
      try {
        (fn as Listener<K>)(body);
      } catch (err) {
        this.onError(err, type);
      }
    }
    for (const fn of this.any) {
      try {
        fn({ type, body } as DomainEvent);
      } catch (err) {
        this.onError(err, type);
      }
    }
  }
}
