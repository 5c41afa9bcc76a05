import { type EventEnvelope, topicFor } from '@baken/protocols';
import { routingKeyOf } from '@baken/server/broker/rabbitmq/rabbitmq-acl';
import { RabbitUplink } from '@baken/server/broker/rabbitmq/rabbitmq-uplink';
import { ManualClock } from '@baken/server/clock';
import { createLogger } from '@baken/server/logger';
import { createMetrics } from '@baken/server/metrics';
import { DomainEventBus } from '@baken/server/modules/ingest/domain-events';
import type { TurnProcessor } from '@baken/server/modules/ingest/event-processors';
import { createIngestMetrics } from '@baken/server/modules/ingest/ingest-metrics';
import { MqttIngest } from '@baken/server/modules/ingest/mqtt-ingest';
import { pgStorage } from '@baken/server/store/storage';
import { needPostgres, usePostgres } from '@baken/server/store/testing/store-fixture';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needRabbitmq, type RabbitCluster, startRabbitCluster } from '../support/rabbitmq.js';

const hasRabbit = needRabbitmq();
const hasPostgres = needPostgres();

/** Polls a condition on the event loop (the broker and the database run on real time), bounded. */
async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const GW = 'gw-commit-1';
const T0 = 1_765_432_100_000;
const ev = (id: string): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId: GW,
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'test',
    priority: 'normal',
    deviceTime: null,
    receivedAt: T0,
    data: {},
  }) as EventEnvelope;

/**
 * A server instance consuming the uplink quorum queue of a real RabbitMQ node, its ingest turn one
 * PostgreSQL transaction (docs/adr/0001-clustered-broker.md, "Acknowledged only after the commit"):
 * a message is acked to RabbitMQ only once the turn holding it has committed, and returned to the
 * queue when that turn rolled back — so an instance that dies mid-turn has its messages redelivered
 * to another instance at once, not left to the gateway's resend.
 */
describe.skipIf(!hasRabbit || !hasPostgres)('rabbitmq uplink: acked at the turn’s commit', () => {
  const pg = usePostgres();
  const make = pg.store('events, gateways', (db) => db);
  let cluster: RabbitCluster;
  let peer: ChannelModel;
  let ch: Channel;
  let n = 0;
  const open: Array<{ uplink: RabbitUplink; ingest: MqttIngest }> = [];
  /** Turns held open by a test; let go after it, whatever its outcome. */
  const gates: Array<() => void> = [];
  const gate = () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    gates.push(release);
    return { held, release };
  };

  beforeAll(async () => {
    cluster = await startRabbitCluster(1);
    peer = await amqp.connect(cluster.nodes[0]!.amqpUrl);
    ch = await peer.createChannel();
  }, 180_000);

  afterAll(async () => {
    await peer?.close().catch(() => undefined);
    await cluster?.stop();
  }, 60_000);

  afterEach(async () => {
    for (const release of gates.splice(0)) release();
    for (const o of open.splice(0)) {
      await o.uplink.close();
      await o.ingest.flush();
    }
  });

  /** One instance: its own uplink on a fresh queue, ingest with `processor`, committed events. */
  async function instance(processor: TurnProcessor) {
    const { stores: db } = await make();
    await db.sql.query("INSERT INTO gateways (id, mqtt_password_hash, created_at) VALUES ($1, 'x', 0)", [GW]);
    const queue = `baken.uplink.commit-${++n}`;
    const metrics = createMetrics();
    const uplink = await RabbitUplink.connect({
      urls: [cluster.nodes[0]!.amqpUrl],
      queue,
      clock: new ManualClock(T0),
      metrics,
      logger: pino({ level: 'silent' }),
    });
    const bus = new DomainEventBus();
    const stored: string[] = [];
    bus.on('ingest.event', (e) => stored.push(e.event.id));
    const ingest = new MqttIngest({
      mqtt: uplink,
      clock: new ManualClock(T0),
      storage: pgStorage(db),
      bus,
      processors: [processor],
      stateHandlers: [],
      metrics,
      ingestMetrics: createIngestMetrics(metrics),
      log: createLogger('silent'),
    });
    open.push({ uplink, ingest });
    await ingest.start();
    await uplink.startConsuming();
    const send = (e: EventEnvelope) =>
      ch.publish('amq.topic', routingKeyOf(topicFor('events', GW)), Buffer.from(JSON.stringify(e)));
    /** Another instance taking the queue's messages from now on. */
    const other = async () => {
      const got: ConsumeMessage[] = [];
      const { consumerTag } = await ch.consume(queue, (m) => m && got.push(m), { noAck: true });
      return { got, stop: () => ch.cancel(consumerTag) };
    };
    return { uplink, ingest, queue, stored, send, other };
  }

  it('does not ack a message whose turn is still open: its instance gone, another gets it at once', async () => {
    const { held, release } = gate();
    let entered = 0;
    const i = await instance(async () => {
      entered++;
      await held;
      return undefined;
    });
    i.send(ev('evt-held-0001'));
    await until('the turn to hold the event open', () => entered === 1);
    // the instance dies mid-turn: what it has not acked goes back to the queue
    await i.uplink.close();
    const b = await i.other();
    await until('the held message to reach another instance', () => b.got.length === 1, 5_000);
    expect(b.got[0]!.fields.redelivered).toBe(true);
    expect(JSON.parse(b.got[0]!.content.toString()).id).toBe('evt-held-0001');
    await b.stop();
    release();
  });

  it('acks the message once its turn has committed', async () => {
    const { held, release } = gate();
    let entered = 0;
    const i = await instance(async () => {
      entered++;
      await held;
      return undefined;
    });
    i.send(ev('evt-commit-01'));
    await until('the turn to hold the event open', () => entered === 1);
    release();
    await until('the turn to commit', () => i.stored.length === 1);
    await i.ingest.flush();
    // the ack is written after the commit, before this; closing now returns nothing to the queue
    await new Promise((r) => setImmediate(r));
    await i.uplink.close();
    const b = await i.other();
    const q = await ch.checkQueue(i.queue);
    expect(q.messageCount).toBe(0);
    expect(b.got).toEqual([]);
    await b.stop();
    expect(i.stored).toEqual(['evt-commit-01']);
  });

  it('returns the message of a turn that rolled back to the queue, and stores it on the next delivery', async () => {
    let calls = 0;
    const i = await instance(async () => {
      calls++;
      if (calls === 1) throw new Error('the first turn fails');
      return undefined;
    });
    i.send(ev('evt-retry-001'));
    await until('the message to be delivered again after the rollback', () => calls === 2);
    await until('the second turn to commit', () => i.stored.length === 1);
    expect(i.stored).toEqual(['evt-retry-001']);
  });
});
