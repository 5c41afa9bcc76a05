import { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../../metrics.js';

export interface IngestMetrics {
  eventsIngested: Counter<'device_kind' | 'outcome'>;
  /** Seconds from the home unit's `receivedAt` to the SQLite commit. */
  ingestLatency: Histogram<'priority'>;
}

/** Ingest metrics in the app's registry. Rejections use the core `mqttRejected`. */
export function createIngestMetrics(m: Metrics): IngestMetrics {
  return {
    eventsIngested: new Counter({
      name: 'baken_events_ingested_total',
      help: 'Gateway events ingested, by device kind and outcome (stored or duplicate)',
      labelNames: ['device_kind', 'outcome'],
      registers: [m.registry],
    }),
    ingestLatency: new Histogram({
      name: 'baken_ingest_latency_seconds',
      help: 'Time from the home unit receiving an event to the server committing it',
      labelNames: ['priority'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600],
      registers: [m.registry],
    }),
  };
}
