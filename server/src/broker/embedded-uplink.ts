import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { BakenError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { BrokerClient, BrokerPublishOptions, UplinkHandler } from './cluster/broker-client.js';
import { writeAckNow } from './direct-ack.js';
import { parseGatewayTopic, serverMayUse } from './topic-acl.js';

type Deliver = (packet: AedesPublishPacket, done: () => void) => void;

/** Topics whose kind is remembered (about five per gateway); past it the memory starts afresh. */
const MAX_KNOWN_TOPICS = 200_000;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * The server's uplink inside the process of the embedded aedes (broker README, "In-process
 * uplink"): handlers subscribe through aedes' own emitter and downlink is `aedes.publish`, so a
 * gateway's message is parsed once — no second MQTT hop over loopback (serialise, parse, a QoS 1
 * PUBACK each way). The same {@link BrokerClient} contract as the MQTT client of an external broker:
 * - a handler sees every message whose topic matches its filter (`+`/`#`), with the gateway's
 *   payload bytes; gateway topics are counted in `baken_mqtt_messages_in_total{kind}`; a handler
 *   that throws is logged and counted (`handler_error`) and never reaches aedes;
 * - delivery to a handler is done when it returns, or when the promise it returns settles. What a
 *   gateway relies on is the application ack, which ingest publishes only after the turn's commit
 *   [MQTT-MAP §4.2]; aedes has already answered the gateway's QoS 1 with its PUBACK before
 *   delivering (as it did before the server's own client got the message). Back-pressure is what
 *   it was: one thread, which reads no socket while it commits, and each gateway's window of
 *   unacknowledged events;
 * - `publish` resolves once aedes has handed the message to every matching subscription (the
 *   gateway's socket), as the client's publish resolved at the broker's PUBACK; only topics in the
 *   server's tree (`serverMayUse`) are published; an app ack to a connected unit is written to
 *   its socket at once (`direct-ack.ts`), not from aedes' `setImmediate`;
 * - what the `qos` of a subscription would change on the wire does not exist here: messages are
 *   handed over in memory. Retained messages are not replayed to a new handler (the broker is
 *   started in this process with nothing retained, and modules subscribe before home units are
 *   admitted).
 */
export class EmbeddedUplink implements BrokerClient {
  private readonly subs: Array<{ filter: string; deliver: Deliver }> = [];
  private closed = false;
  /** The message counted last: aedes hands one message to every matching subscription in a row. */
  private counted: AedesPublishPacket | null = null;
  /** Gateway topic → its kind (null: not a gateway topic); a fleet has a few topics per gateway. */
  private readonly kinds = new Map<string, string | null>();

  constructor(
    private readonly aedes: Aedes,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return !this.closed && !this.aedes.closed;
  }

  subscribe(filter: string, fn: UplinkHandler, _qos?: 0 | 1): Promise<void> {
    const deliver: Deliver = (packet, done) => this.deliver(fn, packet, done);
    this.subs.push({ filter, deliver });
    return new Promise((resolve) => this.aedes.subscribe(filter, deliver, () => resolve()));
  }

  publish(topic: string, payload: string | Buffer, opts: BrokerPublishOptions = { qos: 1 }): Promise<void> {
    if (this.closed) return Promise.reject(new BakenError('BAKEN_ERR_BROKER', 503, 'the uplink is closed'));
    const acl = serverMayUse(topic);
    if (!acl.ok)
      return Promise.reject(
        new BakenError('BAKEN_ERR_BROKER', 500, `the server may not publish to ${topic}`),
      );
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    // an app ack to a connected unit is written at once (`direct-ack.ts`)
    if (this.kindOf(topic) === 'ack' && !opts.retain) {
      const gw = parseGatewayTopic(topic);
      if (gw && writeAckNow(this.aedes, gw.gatewayId, topic, bytes, opts.qos === 0 ? 0 : 1))
        return Promise.resolve();
    }
    const packet: PublishPacket = {
      cmd: 'publish',
      topic,
      payload: bytes,
      qos: opts.qos ?? 1,
      retain: opts.retain ?? false,
      dup: false,
    };
    return new Promise((resolve, reject) =>
      this.aedes.publish(packet, (err) =>
        err ? reject(new BakenError('BAKEN_ERR_BROKER', 503, err.message, { cause: err })) : resolve(),
      ),
    );
  }

  /** Stops delivering: later messages are the broker's alone (acked by aedes, unacked by the app). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subs = this.subs.splice(0);
    await Promise.all(
      subs.map(
        (s) => new Promise<void>((resolve) => this.aedes.unsubscribe(s.filter, s.deliver, () => resolve())),
      ),
    );
  }

  private kindOf(topic: string): string | null {
    let kind = this.kinds.get(topic);
    if (kind === undefined) {
      if (this.kinds.size >= MAX_KNOWN_TOPICS) this.kinds.clear();
      kind = parseGatewayTopic(topic)?.suffix ?? null;
      this.kinds.set(topic, kind);
    }
    return kind;
  }

  private deliver(fn: UplinkHandler, packet: AedesPublishPacket, done: () => void): void {
    const topic = packet.topic;
    if (packet !== this.counted) {
      this.counted = packet;
      const kind = this.kindOf(topic);
      if (kind !== null) this.metrics.mqttMessagesIn.inc({ kind });
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    let r: unknown;
    try {
      r = fn(topic, payload);
    } catch (err) {
      this.metrics.mqttRejected.inc({ reason: 'handler_error' });
      this.log.error({ err, topic }, 'mqtt handler failed');
      done();
      return;
    }
    if (isThenable(r)) {
      r.then(done, (err: unknown) => {
        this.metrics.mqttRejected.inc({ reason: 'handler_error' });
        this.log.error({ err, topic }, 'mqtt handler failed');
        done();
      });
      return;
    }
    done();
  }
}
