import type { Storage, StoreHandle } from '../../store/storage.js';
import type { DomainEvent, DomainEventBus } from './domain-events.js';
import type {
  AfterCommit,
  StateMessage,
  StateTurnHandler,
  TurnContext,
  TurnEvent,
  TurnProcessor,
} from './event-processors.js';
import type { EventToStore } from './event-store.js';
import { eventStoreOn } from './event-store-on.js';

let turns = 0;

/**
 * A fresh turn number: differs from every other turn of this process, whoever runs the turn (MQTT
 * ingest, the DC-09 receiver), so per-turn work keyed on it (`TurnContext.turn`) is never shared.
 */
export function nextTurn(): number {
  return ++turns;
}

/**
 * Inside a turn's transaction `tx`: stores `items` (each once by id) and runs each processor once
 * for the newly stored ones, in order; a duplicate — stored before, or twice in `items` — runs
 * nothing. Returns the new ones and the processors' after-commit callbacks.
 */
export async function storeEventsIn(
  tx: StoreHandle,
  items: readonly EventToStore[],
  processors: readonly TurnProcessor[],
  turn: number,
  storedAt: number,
): Promise<{ fresh: EventToStore[]; after: Array<NonNullable<AfterCommit>> }> {
  const ids = items.length > 0 ? await eventStoreOn(tx).insertMany(items, storedAt) : new Set<string>();
  const fresh: EventToStore[] = [];
  const after: Array<NonNullable<AfterCommit>> = [];
  for (const it of items) if (ids.delete(it.event.id)) fresh.push(it);
  if (fresh.length === 0) return { fresh, after };
  const events: readonly TurnEvent[] = fresh;
  const ctx = { tx, turn, storedAt };
  for (const p of processors) {
    const cb = await p(events, ctx);
    if (cb) after.push(cb);
  }
  return { fresh, after };
}

/** The state handlers, in the order added (each gets a turn's state messages together). */
export type StateHandlers = readonly StateTurnHandler[];

export type { StateMessage };

/** What a turn needs of the ingest module. */
export interface EventTurnDeps {
  storage: Storage;
  bus: DomainEventBus;
  processors: readonly TurnProcessor[];
  stateHandlers: StateHandlers;
  /**
   * Runs last inside each turn's transaction with what the turn publishes once it commits: the
   * clustered live stream writes it there, so a commit and its place on every dashboard's stream
   * are one (store README, "Signals between instances"). None in the embedded deployment.
   */
  beforeCommit?: ((tx: StoreHandle, events: readonly DomainEvent[]) => Promise<void>) | undefined;
}

/**
 * One turn's transaction: `body` runs in it with the bus held (scoped on PostgreSQL, whose turn
 * awaits the network); last inside it {@link EventTurnDeps.beforeCommit} gets the events the bus
 * holds, then those the processors' after-commit callbacks (`after`) declare — the order they are
 * emitted in. Once it commits, `committed`, then the held events (`DomainEventBus.holdDuring`).
 */
export function turnTransaction<T>(
  d: Pick<EventTurnDeps, 'bus' | 'storage' | 'beforeCommit'>,
  body: (tx: StoreHandle) => Promise<{ value: T; after: readonly AfterCommit[] }>,
  committed?: (value: T) => void,
): Promise<T> {
  return d.bus.holdDuring(
    () =>
      d.storage.transaction(async (tx) => {
        const { value, after } = await body(tx);
        if (d.beforeCommit) {
          const events = [...d.bus.heldNow(), ...after.flatMap((cb) => cb?.events ?? [])];
          if (events.length > 0) await d.beforeCommit(tx, events);
        }
        return value;
      }),
    committed,
    { scoped: d.storage.kind === 'postgres' },
  );
}

/**
 * Inside a turn's transaction: the turn's heartbeats, availability messages and check reports, in
 * arrival order — each check report's own write (stored once by id), then each handler once with
 * all of them (health's state: one statement per table and turn). The bus's synchronous in-turn
 * listeners (`deliver`) hear each message first, in order.
 */
export async function applyStatesIn(
  d: Pick<EventTurnDeps, 'bus' | 'stateHandlers'>,
  states: readonly StateMessage[],
  ctx: TurnContext,
): Promise<void> {
  if (states.length === 0) return;
  // follow-up work the synchronous listeners start waits for the commit (a shared store waits for it)
  for (const it of states) {
    if (it.kind === 'heartbeat') d.bus.deliver('ingest.heartbeat', it.body);
    else if (it.kind === 'availability') d.bus.deliver('ingest.availability', it.body);
    else {
      const b = it.body;
      await eventStoreOn(ctx.tx).insertCheckReport(b.report, b.gatewayId, b.homeId, b.at);
      d.bus.deliver('ingest.check', b);
    }
  }
  for (const h of d.stateHandlers) await h(states, ctx);
}

/** What one turn from outside MQTT stores (see {@link ingestTurn}). */
export interface TurnInput {
  events?: readonly EventToStore[];
  states?: readonly StateMessage[];
  /** Runs last inside the transaction (e.g. the DC-09 receiver's own log of the message). */
  within?: (tx: StoreHandle) => Promise<void>;
}

/**
 * Gateway input that does not come over MQTT (the DC-09 receiver's, tests') stored as one ingest
 * turn, as `MqttIngest` stores a turn: one transaction with the processors and state handlers, the
 * bus held until it commits, then `ingest.event` for each new event and the processors'
 * after-commit callbacks. Rejects (and stores nothing) when the transaction fails. Returns the
 * events that were new.
 */
export async function ingestTurn(
  d: EventTurnDeps,
  input: TurnInput,
  storedAt: number,
): Promise<EventToStore[]> {
  const turn = nextTurn();
  const out = await turnTransaction(d, async (tx) => {
    const r = await storeEventsIn(tx, input.events ?? [], d.processors, turn, storedAt);
    await applyStatesIn(d, input.states ?? [], { tx, turn, storedAt });
    await input.within?.(tx);
    return { value: r, after: r.after };
  });
  for (const it of out.fresh) d.bus.emit('ingest.event', { event: it.event, homeId: it.homeId, storedAt });
  for (const cb of out.after) cb();
  return out.fresh;
}
