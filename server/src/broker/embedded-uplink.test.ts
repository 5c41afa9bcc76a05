import { type EventEnvelope, topicFor } from '@baken/protocols';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MachineCredentials } from '../auth/machine-credentials.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { DomainEventBus } from '../modules/ingest/domain-events.js';
import type { TurnProcessor } from '../modules/ingest/event-processors.js';
import { createIngestMetrics } from '../modules/ingest/ingest-metrics.js';
import { MqttIngest } from '../modules/ingest/mqtt-ingest.js';
import { type Db, openDatabase } from '../store/database.js';
import { createSqliteRepositories } from '../store/sqlite/index.js';
import { sqliteStorage } from '../store/storage.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.js';
import { EmbeddedUplink } from './embedded-uplink.js';

// Real aedes, a real gateway over TCP, real SQLite and ingest; only ingest's "end of turn" (its
// commit) is run by the test, so what happens before and after a commit can be seen.

const GW = 'gw-uplink-01';
const clock = new ManualClock();
const log = createLogger('silent');
let db: Db;
let metrics: Metrics;
let broker: EmbeddedBroker;
let uplink: EmbeddedUplink;
let gateway: MqttClient;
let processors: TurnProcessor[];
/** Ingest's end-of-turn work (its commit), queued. */
let turns: Array<() => void>;
let ingest: MqttIngest;
let turnQueued: () => void = () => undefined;
let acks: string[][];
let ackArrived: () => void = () => undefined;

const ev = (id: string): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId: GW,
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'alarm',
    priority: 'alarm',
    deviceTime: null,
    receivedAt: clock.now(),
    data: {},
  }) as EventEnvelope;
const publish = (payload: string | Buffer) =>
  gateway.publishAsync(topicFor('events', GW), payload, { qos: 1 });
const nextTurn = () =>
  new Promise<void>((r) => {
    if (turns.length > 0) r();
    else turnQueued = r;
  });
const nextAck = () =>
  new Promise<void>((r) => {
    ackArrived = r;
  });
const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
const counted = async (name: 'mqttMessagesIn' | 'mqttRejected', label: string) =>
  (await metrics[name].get()).values.find((v) => Object.values(v.labels).includes(label))?.value ?? 0;

beforeEach(async () => {
  db = openDatabase(':memory:');
  metrics = createMetrics();
  const credentials = new MachineCredentials(Buffer.alloc(32, 7));
  const repos = createSqliteRepositories(db);
  for (const id of [GW])
    await repos.gateways.create({
      id,
      homeId: null,
      serial: null,
      createdAt: 0,
      revokedAt: null,
      mqttPasswordHash: credentials.hash('a-gateway-secret'),
    });
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    gateways: repos.gateways,
    credentials,
    metrics,
    logger: log,
    clock,
  });
  broker.admit();
  turns = [];
  acks = [];
  processors = [];
  uplink = new EmbeddedUplink(broker.aedes, metrics, log);
  ingest = new MqttIngest({
    mqtt: uplink,
    clock,
    storage: sqliteStorage(db),
    bus: new DomainEventBus(),
    processors,
    stateHandlers: [],
    metrics,
    ingestMetrics: createIngestMetrics(metrics),
    log,
    defer: (fn) => {
      turns.push(fn);
      turnQueued();
    },
    // an alarm's turn starts at once in production (docs/scaling.md §3, "Alarms first"): here the test's
    deferUrgent: (fn) => {
      turns.push(fn);
      turnQueued();
    },
  });
  await ingest.start();
  gateway = await mqtt.connectAsync(broker.url, {
    clientId: GW,
    username: GW,
    password: 'a-gateway-secret',
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  gateway.on('message', (_t, p) => {
    acks.push((JSON.parse(p.toString()) as { ids: string[] }).ids);
    ackArrived();
  });
  await gateway.subscribeAsync(topicFor('ack', GW), { qos: 1 });
});

afterEach(async () => {
  await gateway.endAsync(true);
  await uplink.close();
  await broker.close();
  db.close();
});

describe('EmbeddedUplink (no second MQTT hop)', () => {
  it('acks an event only after its turn committed', async () => {
    await publish(JSON.stringify(ev('evt-up-0001')));
    await nextTurn();
    expect(stored()).toBe(0);
    expect(acks).toEqual([]);
    expect(await counted('mqttMessagesIn', 'events')).toBe(1);
    const acked = nextAck();
    turns.shift()!();
    await ingest.flush();
    expect(stored()).toBe(1);
    await acked;
    expect(acks).toEqual([['evt-up-0001']]);
  });

  it('acks nothing of a rolled-back turn; the resent event is stored once and acked', async () => {
    let fail = true;
    processors.push(() => {
      if (fail) throw new Error('disk full');
      return undefined;
    });
    await publish(JSON.stringify(ev('evt-up-0003')));
    await nextTurn();
    turns.shift()!();
    await ingest.flush();
    expect(stored()).toBe(0);
    expect(await counted('mqttRejected', 'store_error')).toBe(1);

    fail = false;
    const acked = nextAck();
    await publish(JSON.stringify(ev('evt-up-0003')));
    await nextTurn();
    turns.shift()!();
    await ingest.flush();
    await acked;
    expect(stored()).toBe(1);
    expect(acks).toEqual([['evt-up-0003']]);
  });

  it('refuses a malformed payload with its BAKEN_ERR reason counted, stores nothing, and keeps the session', async () => {
    await publish('{"v":1,"id":');
    await publish(Buffer.from(JSON.stringify({ ...ev('evt-up-0004'), priority: 'whenever' })));
    expect(await counted('mqttRejected', 'payload_json')).toBe(1);
    expect(await counted('mqttRejected', 'payload_schema')).toBe(1);
    expect(turns).toEqual([]);
    expect(stored()).toBe(0);
    const acked = nextAck();
    await publish(JSON.stringify(ev('evt-up-0005')));
    await nextTurn();
    turns.shift()!();
    await ingest.flush();
    await acked;
    expect(acks).toEqual([['evt-up-0005']]);
  });

  it('hands a message to every matching subscription and counts it once', async () => {
    const seen: string[] = [];
    await uplink.subscribe(`baken/v1/gw/${GW}/+`, (topic) => void seen.push(topic));
    await publish(JSON.stringify(ev('evt-up-0006')));
    await nextTurn();
    expect(seen).toEqual([topicFor('events', GW)]);
    expect(await counted('mqttMessagesIn', 'events')).toBe(1);
  });

  it("writes an app ack to the unit's socket at once, not from aedes' setImmediate", async () => {
    const conn = (
      broker.aedes as unknown as {
        clients: Record<string, { conn: { write: (...a: unknown[]) => boolean } }>;
      }
    ).clients[GW]!.conn;
    const write = conn.write.bind(conn);
    let written = 0;
    conn.write = (...a: unknown[]) => {
      written++;
      return write(...a);
    };
    const acked = nextAck();
    void uplink.publish(topicFor('ack', GW), JSON.stringify({ v: 1, ids: ['evt-now-1'] }));
    expect(written).toBe(1);
    written = 0;
    await acked;
    expect(acks).toEqual([['evt-now-1']]);
    // as subscribed at QoS 0 (the gateway's own subscription, gateway/src/uplink/topics.ts)
    await gateway.unsubscribeAsync(topicFor('ack', GW));
    await gateway.subscribeAsync(topicFor('ack', GW), { qos: 0 });
    const again = nextAck();
    const n = written;
    void uplink.publish(topicFor('ack', GW), JSON.stringify({ v: 1, ids: ['evt-now-2'] }));
    expect(written).toBe(n + 1);
    await again;
    expect(acks).toEqual([['evt-now-1'], ['evt-now-2']]);
  });

  it('publishes only in the server topic tree, and nothing once closed', async () => {
    await expect(uplink.publish('$SYS/x', 'y')).rejects.toMatchObject({ code: 'BAKEN_ERR_BROKER' });
    await uplink.close();
    expect(uplink.connected).toBe(false);
    await expect(uplink.publish(topicFor('ack', GW), '{}')).rejects.toMatchObject({
      code: 'BAKEN_ERR_BROKER',
    });
  });
});
