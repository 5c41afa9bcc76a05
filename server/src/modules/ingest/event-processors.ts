import type { EventEnvelope } from '@baken/protocols';
import type { StoreHandle } from '../../store/storage.js';
import type { DomainEvent, DomainEventBus, DomainEventMap } from './domain-events.js';

/** What every piece of work inside one ingest turn's transaction is given. */
export interface TurnContext {
  /**
   * The turn's transaction: build the module's stores on it (`bindStore(tx, …)`), never use the
   * shared ones inside the turn — what is written here commits or rolls back with the turn's events.
   */
  tx: StoreHandle;
  /** Differs from one ingest turn (one transaction) to the next: per-turn work done once. */
  turn: number;
  /** When the turn is stored (the server's clock). */
  storedAt: number;
}

/**
 * A callback run after the turn's commit (to emit domain events), or nothing. `events`: the domain
 * events it emits, declared inside the turn so the clustered live stream can write them in the
 * turn's own transaction (store README, "Signals between instances"); {@link emitAfterCommit}.
 */
export type AfterCommit = ((() => void) & { readonly events?: readonly DomainEvent[] }) | undefined;

/** An {@link AfterCommit} that emits `events` on `bus` in order, and declares them; none: nothing. */
export function emitAfterCommit(bus: DomainEventBus, events: readonly DomainEvent[]): AfterCommit {
  if (events.length === 0) return undefined;
  const emit = () => {
    for (const e of events) bus.emit(e.type, e.body as never);
  };
  return Object.assign(emit, { events });
}

/**
 * Work done for a newly stored event INSIDE the ingest transaction (e.g. creating an alarm), so the
 * event, its consequences and the gateway's ack are all-or-nothing. It may await only the stores it
 * builds on `ctx.tx`, may throw (the turn is then rolled back and not acked: the gateway re-sends)
 * and returns an optional callback run after the commit (to emit domain events).
 */
export type EventProcessor = (
  event: EventEnvelope,
  ctx: TurnContext & { homeId: string | null },
) => AfterCommit | Promise<AfterCommit>;

/** The gateway messages other than events that a turn applies: heartbeats, availability, check reports. */
export type StateMessageMap = Pick<
  DomainEventMap,
  'ingest.heartbeat' | 'ingest.availability' | 'ingest.check'
>;
export type StateMessageName = keyof StateMessageMap;

/**
 * Work done for a heartbeat, availability message or check report inside the turn's transaction
 * (health's state, history and incidents). Same rules as {@link EventProcessor}; what it emits on
 * the bus is held until the commit.
 */
export type StateHandler<K extends StateMessageName> = (
  body: StateMessageMap[K],
  ctx: TurnContext,
) => void | Promise<void>;
