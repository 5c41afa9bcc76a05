import { defineModule } from '../../app-context.js';
import { DomainEventBus } from './domain-events.js';
import type { EventProcessor } from './event-processors.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { MqttIngest } from './mqtt-ingest.js';
import { SqliteEventStore } from './sqlite-event-store.js';

export * from './domain-events.js';
export type { EventProcessor } from './event-processors.js';
export type { EventStore, StoredEventRow } from './event-store.js';
export { SqliteEventStore } from './sqlite-event-store.js';

/** What the ingest module offers the other modules, as `app.ingest`. */
export interface IngestApi {
  /** The app's domain bus: validated gateway input and the state changes of every module. */
  readonly bus: DomainEventBus;
  /**
   * Adds work done for every newly stored event inside the ingest transaction (after the ones
   * added before it); see {@link EventProcessor}. Add processors while the app is being built.
   */
  addProcessor(p: EventProcessor): void;
  /** The processors in the order added (the DC-09 receiver stores its events the same way). */
  readonly processors: readonly EventProcessor[];
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
  const processors: EventProcessor[] = [];
  app.decorate('ingest', {
    bus,
    processors,
    addProcessor: (p) => void processors.push(p),
  } satisfies IngestApi);

  const ingestMetrics = createIngestMetrics(ctx.metrics);
  let ingest: MqttIngest | null = null;
  app.addHook('onReady', async () => {
    if (!ctx.mqtt) return;
    ingest = new MqttIngest({
      mqtt: ctx.mqtt,
      clock: ctx.clock,
      store: new SqliteEventStore(ctx.db),
      bus,
      processors,
      metrics: ctx.metrics,
      ingestMetrics,
      log,
    });
    await ingest.start();
  });
  app.addHook('onClose', async () => {
    ingest?.flush();
  });
});
