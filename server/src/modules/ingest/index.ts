import { defineModule } from '../../app-context.js';
import { DomainEventBus } from './domain-events.js';
import {
  type EventProcessor,
  perEvent,
  perState,
  type StateHandler,
  type StateMessageName,
  type StateTurnHandler,
  type TurnProcessor,
} from './event-processors.js';
import type { EventToStore } from './event-store.js';
import { type EventTurnDeps, ingestTurn, type TurnInput } from './event-turn.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { MqttIngest } from './mqtt-ingest.js';

export * from './domain-events.js';
export type {
  AfterCommit,
  EventProcessor,
  StateHandler,
  StateTurnHandler,
  TurnContext,
  TurnEvent,
  TurnProcessor,
} from './event-processors.js';
export { perEvent } from './event-processors.js';
export type { EventStore, EventToStore, StoredEventRow } from './event-store.js';
export { eventStoreOn } from './event-store-on.js';
export type { StateMessage, TurnInput } from './event-turn.js';

/** What the ingest module offers the other modules, as `app.ingest`. */
export interface IngestApi {
  /** The app's domain bus: validated gateway input and the state changes of every module. */
  readonly bus: DomainEventBus;
  /**
   * Adds work done for every newly stored event inside the ingest transaction (after the ones
   * added before it); see {@link EventProcessor}. Add processors while the app is being built.
   */
  addProcessor(p: EventProcessor): void;
  /**
   * Adds work done once per turn for the turn's newly stored events together (one statement per
   * table and turn instead of one per event); see {@link TurnProcessor}. Runs in the order added,
   * with those of {@link addProcessor}.
   */
  addTurnProcessor(p: TurnProcessor): void;
  /** The processors in the order added (the DC-09 receiver stores its events the same way). */
  readonly processors: readonly TurnProcessor[];
  /**
   * Adds work done for every heartbeat, availability message or check report inside the ingest
   * turn's transaction, on the turn's handle (`ctx.tx`); awaited in the order added, with those of
   * {@link onStates}.
   */
  onState<K extends StateMessageName>(name: K, h: StateHandler<K>): void;
  /**
   * Adds work done once per turn for the turn's heartbeats, availability messages and check reports
   * together (one statement per table and turn instead of one per message); see {@link StateTurnHandler}.
   */
  onStates(h: StateTurnHandler): void;
  /**
   * Stores gateway input that does not come over MQTT (the DC-09 receiver's) as one ingest turn:
   * the same transaction, processors, state handlers and held bus as MQTT ingest. Resolves with
   * the events that were new; rejects, storing nothing, when the transaction fails.
   */
  storeTurn(input: TurnInput): Promise<EventToStore[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ingest: IngestApi;
  }
}

/**
 * Ingest: subscribes to every gateway's uplink topics once the app is ready, and
 * feeds the domain bus. Without a broker (HTTP-only tests) nothing is subscribed.
 */
export const ingestModule = defineModule({ name: 'ingest' }, async (app) => {
  const ctx = app.baken;
  const log = app.log.child({ component: 'ingest' });
  const bus = new DomainEventBus((err, type) => {
    log.error({ err, type }, 'domain event listener failed');
  });
  const processors: TurnProcessor[] = [];
  const stateHandlers: StateTurnHandler[] = [];
  const turnDeps: EventTurnDeps = {
    // read at use: the modules test builds the ingest module on a context without a database
    get storage() {
      return ctx.storage;
    },
    bus,
    processors,
    stateHandlers,
    // the clustered live stream is written in the turn's transaction (store README, "Signals
    // between instances"); the embedded feed has no such write, and the turn does nothing extra
    get beforeCommit() {
      const feed = ctx.cluster.liveFeed;
      return ctx.storage.kind === 'postgres' && feed.writeIn ? feed.writeIn.bind(feed) : undefined;
    },
  };
  app.decorate('ingest', {
    bus,
    processors,
    addProcessor: (p) => void processors.push(perEvent(p)),
    addTurnProcessor: (p) => void processors.push(p),
    onState: (name, h) => void stateHandlers.push(perState(name, h)),
    onStates: (h) => void stateHandlers.push(h),
    storeTurn: (input) => ingestTurn(turnDeps, input, ctx.clock.now()),
  } satisfies IngestApi);

  const ingestMetrics = createIngestMetrics(ctx.metrics);
  let ingest: MqttIngest | null = null;
  app.addHook('onReady', async () => {
    if (!ctx.mqtt) return;
    ingest = new MqttIngest({
      mqtt: ctx.mqtt,
      clock: ctx.clock,
      ...turnDeps,
      metrics: ctx.metrics,
      ingestMetrics,
      log,
    });
    await ingest.start();
  });
  app.addHook('onClose', async () => {
    await ingest?.flush();
  });
});
