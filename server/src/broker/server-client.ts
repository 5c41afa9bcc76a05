import { randomBytes } from 'node:crypto';
import { TOPIC_META } from '@baken/protocols';
import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { BakenError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { BrokerLimits } from './broker-limits.js';
import { overRateReporter, PublishRateLimiter, type RateVerdict } from './publish-rate.js';
import { parseGatewayTopic } from './topic-acl.js';

export type MessageHandler = (topic: string, payload: Buffer) => void;

/**
 * Turns Nagle's algorithm off on the client's TCP (or TLS) socket now and after every reconnect
 * (mqtt.js builds a new stream for each). With it on, the application ack written right after a
 * PUBACK waits for the broker's delayed TCP ACK — tens of ms per event (broker README, "Latency"). A
 * WebSocket stream has no such switch and is left as it is.
 */
export function keepNoDelay(client: MqttClient): void {
  const apply = () =>
    (client.stream as { setNoDelay?: (on: boolean) => unknown } | undefined)?.setNoDelay?.(true);
  apply();
  client.on('connect', apply);
}

/** Does an MQTT topic match a subscription filter with `+` and `#`? [MQTT-4.7] */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * The server's own MQTT client (mqtt.js, MQTT 3.1.1). It talks to a broker URL — the embedded
 * aedes or an external broker such as Mosquitto — so ingest code is the same for both. Handlers
 * are matched locally by filter; each inbound message from a gateway topic is counted in
 * `baken_mqtt_messages_in_total{kind}`. A handler that throws is logged and counted, never
 * crashes the client. With `rateLimit` (an external broker, which has no publish budget of its
 * own) each gateway's uplink messages pass the same {@link PublishRateLimiter} as on the embedded
 * broker before any handler sees them: alarms always, the rest within the budget.
 */
export class ServerMqttClient {
  private readonly handlers: Array<{ filter: string; fn: MessageHandler }> = [];
  private readonly rate: {
    limiter: PublishRateLimiter;
    note: (gatewayId: string, v: RateVerdict, topic: string) => void;
  } | null;

  private constructor(
    private readonly client: MqttClient,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    rateLimit?: { clock: Clock; limits: BrokerLimits },
  ) {
    this.rate = rateLimit
      ? {
          limiter: new PublishRateLimiter(rateLimit.clock, rateLimit.limits),
          note: overRateReporter(metrics, log, rateLimit.clock),
        }
      : null;
    client.on('message', (topic, payload) => this.dispatch(topic, payload));
    client.on('error', (err) => log.warn({ err: err.message }, 'mqtt client error'));
    client.on('offline', () => log.warn('mqtt client offline'));
  }

  static async connect(opts: {
    url: string;
    username?: string;
    password?: string;
    metrics: Metrics;
    logger: Logger;
    /** Apply the per-gateway publish budget here (for a broker that does not). */
    rateLimit?: { clock: Clock; limits: BrokerLimits };
  }): Promise<ServerMqttClient> {
    const log = opts.logger.child({ component: 'mqtt-client' });
    try {
      const client = await mqtt.connectAsync(opts.url, {
        protocolVersion: 4,
        clientId: `baken-server-${randomBytes(6).toString('hex')}`,
        ...(opts.username !== undefined ? { username: opts.username } : {}),
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
      });
      keepNoDelay(client);
      return new ServerMqttClient(client, opts.metrics, log, opts.rateLimit);
    } catch (err) {
      throw new BakenError(
        'BAKEN_ERR_BROKER',
        503,
        `Cannot connect to the MQTT broker: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async subscribe(filter: string, fn: MessageHandler, qos: 0 | 1 = 1): Promise<void> {
    this.handlers.push({ filter, fn });
    await this.client.subscribeAsync(filter, { qos });
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    opts: IClientPublishOptions = { qos: 1 },
  ): Promise<void> {
    await this.client.publishAsync(topic, payload, opts);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  private dispatch(topic: string, payload: Buffer): void {
    const gw = parseGatewayTopic(topic);
    if (gw) this.metrics.mqttMessagesIn.inc({ kind: gw.suffix });
    if (gw && this.rate && TOPIC_META[gw.suffix].direction === 'gw_to_server') {
      const v = this.rate.limiter.check(gw.gatewayId, topic, payload);
      this.rate.note(gw.gatewayId, v, topic);
      if (v === 'drop') return;
    }
    for (const h of this.handlers) {
      if (!topicMatches(h.filter, topic)) continue;
      try {
        h.fn(topic, payload);
      } catch (err) {
        this.metrics.mqttRejected.inc({ reason: 'handler_error' });
        this.log.error({ err, topic }, 'mqtt handler failed');
      }
    }
  }
}
