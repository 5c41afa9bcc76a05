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

/** A newly stored event of a turn, with its gateway's home. */
export interface TurnEvent {
  event: EventEnvelope;
  homeId: string | null;
}

/**
 * An {@link EventProcessor} given the turn's newly stored events together, in arrival order, once
 * per turn (never with none): it can read and write what they need with one statement per table
 * instead of one per event — on PostgreSQL each statement is a round trip the turn waits for
 * (docs/scaling.md §3). Same rules as {@link EventProcessor}; an event must be handled as if the
 * turn's events before it had been handled first (an alarm and its cancel in one turn).
 */
export type TurnProcessor = (
  events: readonly TurnEvent[],
  ctx: TurnContext,
) => AfterCommit | Promise<AfterCommit>;

/** A per-event processor as a {@link TurnProcessor}: called for each event in turn. */
export function perEvent(p: EventProcessor): TurnProcessor {
  return async (events, ctx) => {
    const after: Array<NonNullable<AfterCommit>> = [];
    for (const { event, homeId } of events) {
      const cb = await p(event, { ...ctx, homeId });
      if (cb) after.push(cb);
    }
    return joinAfterCommit(after);
  };
}

/** One {@link AfterCommit} running `cbs` in order, declaring the events they declare; none: nothing. */
export function joinAfterCommit(cbs: readonly NonNullable<AfterCommit>[]): AfterCommit {
  if (cbs.length <= 1) return cbs[0];
  const events = cbs.flatMap((cb) => cb.events ?? []);
  return Object.assign(() => runAll(cbs), { events });
}

/** Runs each callback; one that throws does not keep the others from running (its error is rethrown after). */
export function runAll(cbs: readonly (() => void)[]): void {
  let failed: { err: unknown } | null = null;
  for (const cb of cbs) {
    try {
      cb();
    } catch (err) {
      failed ??= { err };
    }
  }
  if (failed) throw failed.err;
}

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

/** A heartbeat, availability message or check report, as a turn applies it. */
export type StateMessage =
  | { kind: 'heartbeat'; body: DomainEventMap['ingest.heartbeat'] }
  | { kind: 'availability'; body: DomainEventMap['ingest.availability'] }
  | { kind: 'check'; body: DomainEventMap['ingest.check'] };

/**
 * A {@link StateHandler} given the turn's heartbeats, availability messages and check reports
 * together, in arrival order, once per turn (never with none), after the event processors: it can
 * write what they change with one statement per table instead of one per message (on PostgreSQL
 * each is a round trip the turn waits for; docs/scaling.md §3). A message must be handled as if the
 * turn's messages before it had been handled first (a unit's `offline` then `online` in one turn
 * ends online). Same rules as {@link EventProcessor}; what it emits is held until the commit.
 */
export type StateTurnHandler = (states: readonly StateMessage[], ctx: TurnContext) => void | Promise<void>;

const STATE_KIND = {
  'ingest.heartbeat': 'heartbeat',
  'ingest.availability': 'availability',
  'ingest.check': 'check',
} as const satisfies Record<StateMessageName, StateMessage['kind']>;

/** A per-message {@link StateHandler} as a {@link StateTurnHandler}: called for each message of its kind in turn. */
export function perState<K extends StateMessageName>(name: K, h: StateHandler<K>): StateTurnHandler {
  const kind = STATE_KIND[name];
  return async (states, ctx) => {
    for (const st of states) if (st.kind === kind) await h(st.body as StateMessageMap[K], ctx);
  };
}
