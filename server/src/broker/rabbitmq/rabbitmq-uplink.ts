import { TOPIC_META } from '@baken/protocols';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../clock.js';
import { BakenError } from '../../errors.js';
import type { Metrics } from '../../metrics.js';
import type { BrokerLimits } from '../broker-limits.js';
import type { BrokerClient, BrokerPublishOptions, UplinkHandler } from '../cluster/broker-client.js';
import { overRateReporter, PublishRateLimiter } from '../publish-rate.js';
import { topicMatches } from '../server-client.js';
import { parseGatewayTopic } from '../topic-acl.js';
import { MQTT_EXCHANGE, routingKeyOf, topicOfRoutingKey } from './rabbitmq-acl.js';

export interface RabbitUplinkOptions {
  /** AMQP URLs of the cluster's nodes (`amqp://user:password@host:5672/vhost`), tried in turn. */
  urls: readonly string[];
  /** The shared uplink quorum queue; `baken.uplink` by default. */
  queue?: string;
  /** Messages one instance holds unacknowledged at a time. */
  prefetch?: number;
  /** Deliveries of one message before RabbitMQ dead-letters it (`x-delivery-limit`). */
  deliveryLimit?: number;
  /** Pause before trying the next node after a connection is lost. */
  reconnectDelayMs?: number;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  /** The per-gateway publish budget (RabbitMQ has none of its own), applied to what this instance consumes. */
  rateLimit?: { limits: BrokerLimits };
  /** Acks the message of a handler that returned no promise, after its turn; `setImmediate` by default. */
  defer?: (fn: () => void) => void;
}

/** MQTT filter → AMQP binding key: `+` is `*` (one level), `#` stays. */
export const bindingKeyOf = (filter: string): string =>
  routingKeyOf(filter)
    .split('.')
    .map((l) => (l === '+' ? '*' : l))
    .join('.');

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

const hideSecret = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Server instances as competing consumers of one RabbitMQ quorum queue
 * (docs/adr/0001-clustered-broker.md). Each uplink message goes to one instance; it is acknowledged
 * to RabbitMQ only once its handler is done (see {@link UplinkHandler}), so a message whose
 * instance dies before its commit is redelivered to another instance. Downlink is published to
 * `amq.topic` with publisher confirms; the MQTT plugin hands it to the gateway's subscription.
 *
 * Consuming starts with {@link startConsuming}, after every module has subscribed, so no message
 * arrives before its handler. A lost connection moves to the next node after `reconnectDelayMs`;
 * messages held on the lost connection are already back in the queue.
 */
export class RabbitUplink implements BrokerClient {
  private readonly handlers: Array<{ filter: string; fn: UplinkHandler }> = [];
  private readonly bindings = new Set<string>();
  private model: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private consuming = false;
  private consumerTag: string | null = null;
  private closed = false;
  private next = 0;
  private retry: TimerHandle | undefined;
  private readonly rate: {
    limiter: PublishRateLimiter;
    note: ReturnType<typeof overRateReporter>;
  } | null;
  private readonly log: Logger;
  readonly queue: string;
  /** Each message is acked when its handlers' promises resolve (ingest's: at its turn's commit). */
  readonly acksAfterHandler = true;

  private constructor(private readonly o: RabbitUplinkOptions) {
    this.queue = o.queue ?? 'baken.uplink';
    this.log = o.logger.child({ component: 'rabbitmq-uplink' });
    this.rate = o.rateLimit
      ? {
          limiter: new PublishRateLimiter(o.clock, o.rateLimit.limits),
          note: overRateReporter(o.metrics, this.log, o.clock),
        }
      : null;
  }

  /** Connects to the first node that answers (each tried once) and declares the queue. */
  static async connect(o: RabbitUplinkOptions): Promise<RabbitUplink> {
    if (o.urls.length === 0) {
      throw new BakenError(
        'BAKEN_ERR_CONFIG',
        500,
        'No RabbitMQ AMQP URL is configured (mqtt.rabbitmq.amqpUrls).',
      );
    }
    const u = new RabbitUplink(o);
    let last: unknown;
    for (let i = 0; i < o.urls.length; i++) {
      try {
        await u.open();
        return u;
      } catch (err) {
        last = err;
      }
    }
    throw new BakenError(
      'BAKEN_ERR_BROKER',
      503,
      `Cannot connect to any RabbitMQ node (${o.urls.map(hideSecret).join(', ')}): ${(last as Error).message}`,
      { cause: last },
    );
  }

  get connected(): boolean {
    return this.channel !== null;
  }

  async subscribe(filter: string, fn: UplinkHandler): Promise<void> {
    this.handlers.push({ filter, fn });
    const key = bindingKeyOf(filter);
    this.bindings.add(key);
    await this.channel?.bindQueue(this.queue, MQTT_EXCHANGE, key);
  }

  /** Begins taking messages from the queue (call once every module has subscribed). */
  async startConsuming(): Promise<void> {
    this.consuming = true;
    if (this.channel) await this.consumeOn(this.channel);
  }

  /**
   * Takes no more messages (shutdown): what this instance holds unacknowledged is acked as its
   * handlers finish, or returned to the queue when the connection closes.
   */
  async stopConsuming(): Promise<void> {
    this.consuming = false;
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (tag) await this.channel?.cancel(tag).catch(() => {});
  }

  async publish(topic: string, payload: string | Buffer, opts: BrokerPublishOptions = {}): Promise<void> {
    const ch = this.channel;
    if (!ch)
      throw new BakenError('BAKEN_ERR_BROKER', 503, 'Not connected to RabbitMQ; the message was not sent.');
    const qos = opts.qos ?? 1;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    await new Promise<void>((resolve, reject) => {
      ch.publish(
        MQTT_EXCHANGE,
        routingKeyOf(topic),
        body,
        // The MQTT plugin delivers at this QoS (capped by the subscription's).
        { persistent: qos === 1, headers: { 'x-mqtt-publish-qos': qos } },
        (err: unknown) => (err ? reject(err) : resolve()),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) this.o.clock.clearTimeout(this.retry);
    const m = this.model;
    this.model = null;
    this.channel = null;
    await m?.close().catch(() => {});
  }

  private async open(): Promise<void> {
    const url = this.o.urls[this.next % this.o.urls.length]!;
    this.next++;
    // AMQP heartbeats: a silent peer (a dead machine rather than a closed socket) is noticed in ~20 s.
    const model = await amqp.connect(
      url.includes('heartbeat=') ? url : `${url}${url.includes('?') ? '&' : '?'}heartbeat=10`,
      // Nagle off: with it an app ack written behind another small frame waited for the node's
      // delayed ACK, about 40 ms on every alarm (docs/scaling.md §6).
      { noDelay: true },
    );
    try {
      const ch = await model.createConfirmChannel();
      await ch.assertQueue(this.queue, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': this.o.deliveryLimit ?? 20 },
      });
      for (const key of this.bindings) await ch.bindQueue(this.queue, MQTT_EXCHANGE, key);
      await ch.prefetch(this.o.prefetch ?? 100);
      if (this.consuming) await this.consumeOn(ch);
      model.on('error', (err: Error) => this.log.warn({ err: err.message }, 'rabbitmq connection error'));
      model.on('close', () => this.lost(model));
      this.model = model;
      this.channel = ch;
      this.log.info({ node: hideSecret(url) }, 'connected to rabbitmq');
    } catch (err) {
      await model.close().catch(() => {});
      throw err;
    }
  }

  private lost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = null;
    this.channel = null;
    if (this.closed) return;
    this.log.warn('rabbitmq connection lost; trying the next node');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.retry = this.o.clock.setTimeout(() => {
      this.retry = undefined;
      if (this.closed) return;
      this.open().catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'rabbitmq node unreachable');
        this.scheduleReconnect();
      });
    }, this.o.reconnectDelayMs ?? 1000);
  }

  private async consumeOn(ch: ConfirmChannel): Promise<void> {
    const { consumerTag } = await ch.consume(this.queue, (m) => {
      if (m) this.deliver(ch, m);
    });
    this.consumerTag = consumerTag;
  }

  /** Hands one message to its handlers; acks when they are done, or returns it to the queue. */
  private deliver(ch: ConfirmChannel, m: ConsumeMessage): void {
    const topic = topicOfRoutingKey(m.fields.routingKey);
    const gw = parseGatewayTopic(topic);
    if (gw) this.o.metrics.mqttMessagesIn.inc({ kind: gw.suffix });
    const settle = (ok: boolean) => {
      // A message of a channel that has since closed is back in the queue already.
      if (this.channel !== ch) return;
      if (ok) ch.ack(m);
      else ch.nack(m, false, true);
    };
    if (gw && this.rate && TOPIC_META[gw.suffix].direction === 'gw_to_server') {
      const v = this.rate.limiter.check(gw.gatewayId, topic, m.content);
      this.rate.note(gw.gatewayId, v, topic);
      if (v === 'drop') {
        settle(true);
        return;
      }
    }
    const pending: PromiseLike<unknown>[] = [];
    let failed = false;
    for (const h of this.handlers) {
      if (!topicMatches(h.filter, topic)) continue;
      try {
        const r = h.fn(topic, m.content);
        if (isThenable(r)) pending.push(r);
      } catch (err) {
        failed = true;
        this.o.metrics.mqttRejected.inc({ reason: 'handler_error' });
        this.log.error({ err, topic }, 'uplink handler failed; the message goes back to the queue');
      }
    }
    if (failed) {
      settle(false);
      return;
    }
    if (pending.length > 0) {
      // one handler (ingest) is the usual case: its turn's promise, shared by the turn's messages
      (pending.length === 1 ? pending[0]! : Promise.all(pending)).then(
        () => settle(true),
        (err: unknown) => {
          this.log.error({ err, topic }, 'uplink handler failed; the message goes back to the queue');
          settle(false);
        },
      );
      return;
    }
    // A handler that returns nothing (ingest's for a message it rejected) has nothing to commit.
    (this.o.defer ?? setImmediate)(() => settle(true));
  }
}
