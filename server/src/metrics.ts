import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Prometheus metrics in a per-app registry (several apps can live in one test process). Modules
 * add their own metrics to `registry` (e.g. `new Gauge({ ..., registers: [metrics.registry] })`).
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  mqttMessagesIn: Counter<'kind'>;
  /** MQTT connects/publishes/subscribes refused, and inbound payloads rejected, by reason. */
  mqttRejected: Counter<'reason'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_seconds and the lag percentiles.
  collectDefaultMetrics({ register: registry, prefix: 'baken_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'baken_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    mqttMessagesIn: new Counter({
      name: 'baken_mqtt_messages_in_total',
      help: 'MQTT messages received from gateways, by topic kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    mqttRejected: new Counter({
      name: 'baken_mqtt_rejected_total',
      help: 'MQTT connects, publishes, subscribes or payloads refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
