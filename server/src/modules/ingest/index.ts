import type { BakenApp } from '../../app-context.js';
import { domainEvents } from './domain-events.js';
import { eventProcessors } from './event-processors.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { MqttIngest } from './mqtt-ingest.js';
import { SqliteEventStore } from './sqlite-event-store.js';

export * from './domain-events.js';
export { type EventProcessor, eventProcessors } from './event-processors.js';
export type { EventStore, StoredEventRow } from './event-store.js';
export { SqliteEventStore } from './sqlite-event-store.js';

/**
 * Ingest: subscribes to every gateway's uplink topics once the app is ready, and
 * feeds the domain bus. Without a broker (HTTP-only tests) nothing is subscribed.
 */
export async function ingestModule(app: BakenApp): Promise<void> {
  const ctx = app.baken;
  const bus = domainEvents(ctx);
  const log = app.log.child({ component: 'ingest' });
  bus.setErrorHandler((err, type) => {
    log.error({ err, type }, 'domain event listener failed');
  });
  const ingestMetrics = createIngestMetrics(ctx.metrics);
  let ingest: MqttIngest | null = null;
  app.addHook('onReady', async () => {
    if (!ctx.mqtt) return;
    ingest = new MqttIngest({
      mqtt: ctx.mqtt,
      clock: ctx.clock,
      store: new SqliteEventStore(ctx.db),
      bus,
      processors: eventProcessors(ctx),
      metrics: ctx.metrics,
      ingestMetrics,
      log,
    });
    await ingest.start();
  });
  app.addHook('onClose', async () => {
    ingest?.flush();
  });
}
