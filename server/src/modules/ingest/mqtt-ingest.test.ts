import { type EventEnvelope, MQTT_EXAMPLE_PAYLOADS, topicFor } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMqttClient } from '../../broker/server-client.js';
import { ManualClock } from '../../clock.js';
import { createLogger } from '../../logger.js';
import { createMetrics, type Metrics } from '../../metrics.js';
import { type Db, openDatabase } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { sqliteStorage } from '../../store/storage.js';
import { DomainEventBus } from './domain-events.js';
import type { TurnProcessor } from './event-processors.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { MqttIngest } from './mqtt-ingest.js';
import { SqliteEventStore } from './sqlite-event-store.js';

// The MQTT client is the library boundary: a stand-in records publishes; the store is real SQLite.

let db: Db;
let metrics: Metrics;
let published: Array<{ topic: string; ids: string[] }>;
let turns: Array<() => void>;
let processors: TurnProcessor[];
let ingest: MqttIngest;
let bus: DomainEventBus;
let gatewayReads: number;
const clock = new ManualClock();

/** Runs the deferred turn and waits until it is stored. */
const runTurn = async () => {
  turns.shift()!();
  await ingest.flush();
};

const GW = 'gw-0001';
const ev = (id: string, gatewayId = GW): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId,
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'test',
    priority: 'normal',
    deviceTime: null,
    receivedAt: clock.now(),
    data: {},
  }) as EventEnvelope;
const send = (e: EventEnvelope) =>
  ingest.handle(topicFor('events', e.gatewayId), Buffer.from(JSON.stringify(e)));
const rejected = async () =>
  (await metrics.registry.getSingleMetricAsString('baken_mqtt_rejected_total')) ?? '';

beforeEach(() => {
  db = openDatabase(':memory:');
  db.prepare("INSERT INTO gateways (id, mqtt_password_hash, created_at) VALUES (?, 'x', 0)").run(GW);
  db.prepare(
    "INSERT INTO gateways (id, mqtt_password_hash, created_at, revoked_at) VALUES ('gw-revoked', 'x', 0, 1)",
  ).run();
  metrics = createMetrics();
  published = [];
  turns = [];
  bus = new DomainEventBus();
  processors = [];
  gatewayReads = 0;
  // the real store, its gateway look-ups counted
  const gateways = SqliteEventStore.prototype.gateways;
  vi.spyOn(SqliteEventStore.prototype, 'gateways').mockImplementation(function (this: SqliteEventStore, ids) {
    gatewayReads += 1;
    return gateways.call(this, ids);
  });
  const mqtt = {
    publish: async (topic: string, payload: string) => {
      published.push({ topic, ids: (JSON.parse(payload) as { ids: string[] }).ids });
    },
  } as unknown as ServerMqttClient;
  ingest = new MqttIngest({
    mqtt,
    clock,
    storage: sqliteStorage(db),
    bus,
    processors,
    stateHandlers: [],
    metrics,
    ingestMetrics: createIngestMetrics(metrics),
    log: createLogger('silent'),
    defer: (fn) => turns.push(fn),
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

describe('MqttIngest', () => {
  it('ingests the heartbeat of a gateway older than the server supports, and marks it (docs/versioning.md)', async () => {
    const hb = { ...MQTT_EXAMPLE_PAYLOADS.heartbeat, gatewayId: GW, software: '0.0.3' };
    ingest.handle(topicFor('heartbeat', GW), Buffer.from(JSON.stringify(hb)));
    await runTurn();
    expect(ingest.versions.unsupported.has(GW)).toBe(true);
    expect(await rejected()).not.toMatch(/reason=/);
    ingest.handle(topicFor('heartbeat', GW), Buffer.from(JSON.stringify({ ...hb, software: '0.1.0' })));
    await runTurn();
    expect(ingest.versions.unsupported.has(GW)).toBe(false);
  });

  // docs/adr/0001-clustered-broker.md: a queue-backed uplink acks at the turn's commit; aedes and an
  // MQTT client do not wait for it (their delivery goes on as soon as the handler returns)
  it("hands a queue-backed uplink its turn's promise, and an MQTT binding nothing", async () => {
    const ingestMetrics = createIngestMetrics(createMetrics());
    const subscribed = async (acksAfterHandler: boolean) => {
      const handlers: Array<(topic: string, payload: Buffer) => unknown> = [];
      const client = {
        acksAfterHandler,
        subscribe: async (_f: string, fn: (topic: string, payload: Buffer) => unknown) =>
          void handlers.push(fn),
        publish: async (topic: string, payload: string) => {
          published.push({ topic, ids: (JSON.parse(payload) as { ids: string[] }).ids });
        },
      } as unknown as ServerMqttClient;
      const i = new MqttIngest({
        mqtt: client,
        clock,
        storage: sqliteStorage(db),
        bus,
        processors,
        stateHandlers: [],
        metrics,
        ingestMetrics,
        log: createLogger('silent'),
        defer: (fn) => turns.push(fn),
      });
      await i.start();
      return { i, handle: handlers[0]! };
    };
    const payload = (id: string) => Buffer.from(JSON.stringify(ev(id)));
    const mqtt = await subscribed(false);
    expect(mqtt.handle(topicFor('events', GW), payload('evt-00000061'))).toBeUndefined();
    turns.shift()!();
    await mqtt.i.flush();
    const queue = await subscribed(true);
    const a = queue.handle(topicFor('events', GW), payload('evt-00000062')) as Promise<void>;
    const b = queue.handle(topicFor('events', GW), payload('evt-00000063'));
    expect(b).toBe(a);
    // a rejected message has no turn: nothing to wait for
    expect(queue.handle(topicFor('events', GW), Buffer.from('{'))).toBeUndefined();
    let settled = false;
    void a.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    turns.shift()!();
    await a;
    await queue.i.flush();
    expect(published.at(-1)).toEqual({ topic: topicFor('ack', GW), ids: ['evt-00000062', 'evt-00000063'] });
    // a turn that rolls back rejects its promise: the message goes back to the queue
    processors.push(() => {
      throw new Error('disk full');
    });
    const c = queue.handle(topicFor('events', GW), payload('evt-00000064')) as Promise<void>;
    turns.shift()!();
    await expect(c).rejects.toThrow('disk full');
  });

  it('stores a burst of one turn in one transaction and acks it with one message', async () => {
    send(ev('evt-00000001'));
    send(ev('evt-00000002'));
    send(ev('evt-00000001'));
    expect(published).toEqual([]);
    expect(turns).toHaveLength(1);
    await runTurn();
    expect(published).toEqual([{ topic: topicFor('ack', GW), ids: ['evt-00000001', 'evt-00000002'] }]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(2);
  });

  it("hands each processor the turn's new events once, in arrival order, and runs its callback after the commit", async () => {
    db.prepare(
      "INSERT INTO events (id, gateway_id, device_id, device_kind, kind, priority, received_at, stored_at, data) VALUES ('evt-00000040', ?, 'p', 'pendant', 'test', 'normal', 0, 0, '{}')",
    ).run(GW);
    const calls: string[][] = [];
    const after: boolean[] = [];
    processors.push((events, ctx) => {
      calls.push(events.map((e) => `${e.event.id}@${e.homeId}@${ctx.storedAt}`));
      return () => after.push(db.inTransaction);
    });
    send(ev('evt-00000041'));
    send(ev('evt-00000040'));
    send(ev('evt-00000042'));
    send(ev('evt-00000041'));
    await runTurn();
    const at = clock.now();
    expect(calls).toEqual([[`evt-00000041@null@${at}`, `evt-00000042@null@${at}`]]);
    expect(after).toEqual([false]);
    send(ev('evt-00000042'));
    await runTurn();
    expect(calls).toHaveLength(1); // a turn with nothing new runs no processor
  });

  it('counts each outcome of a turn', async () => {
    send(ev('evt-00000021'));
    send(ev('evt-00000022'));
    send(ev('evt-00000021'));
    await runTurn();
    const text = (await metrics.registry.getSingleMetricAsString('baken_events_ingested_total')) ?? '';
    expect(text).toMatch(/device_kind="pendant",outcome="stored"\} 2/);
    expect(text).toMatch(/device_kind="pendant",outcome="duplicate"\} 1/);
  });

  it('looks a gateway up once per turn; a revocation holds from the next turn', async () => {
    send(ev('evt-00000031'));
    send(ev('evt-00000032'));
    send(ev('evt-00000033'));
    await runTurn();
    expect(gatewayReads).toBe(1);
    expect(published).toHaveLength(1);
    db.prepare('UPDATE gateways SET revoked_at = 5 WHERE id = ?').run(GW);
    send(ev('evt-00000034'));
    await runTurn();
    expect(gatewayReads).toBe(2);
    expect(published).toHaveLength(1);
    expect(await rejected()).toMatch(/reason="unknown_gateway"\} 1/);
  });

  it('does not ack when the transaction fails, so the gateway sends again', async () => {
    processors.push(() => {
      throw new Error('disk full');
    });
    send(ev('evt-00000003'));
    await runTurn();
    expect(published).toEqual([]);
    expect(db.prepare('SELECT 1 FROM events').get()).toBeUndefined();
    expect(await rejected()).toMatch(/reason="store_error"\} 1/);
  });

  it('refuses unknown and revoked gateways and ignores a cleared retained availability', async () => {
    send(ev('evt-00000004', 'gw-stranger'));
    send(ev('evt-00000005', 'gw-revoked'));
    ingest.handle(topicFor('availability', GW), Buffer.alloc(0));
    await runTurn();
    expect(published).toEqual([]);
    expect(turns).toEqual([]);
    expect(await rejected()).toMatch(/reason="unknown_gateway"\} 2/);
    expect(await rejected()).not.toMatch(/payload_empty/);
  });

  it('work a synchronous in-turn listener starts runs after the commit, and what it emits is heard', async () => {
    // as the access module flushes queued key-safe commands when a home unit comes online
    const shared = sqliteHandle(db);
    const done: Array<{ inTx: boolean; events: number }> = [];
    const heard: string[] = [];
    bus.on('device.updated', (b) => heard.push(b.deviceId));
    bus.on('ingest.availability', ({ gatewayId }) => {
      void shared
        .run((d) => {
          const inTx = d.inTransaction;
          return { inTx, events: (d.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n };
        })
        .then((r) => {
          done.push(r);
          bus.emit('device.updated', {
            subjectKind: 'gateway',
            gatewayId,
            deviceId: 'after-commit',
            homeId: null,
            state: 'online',
            at: 0,
          });
        });
    });
    ingest.handle(
      topicFor('availability', GW),
      Buffer.from(JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.availability, gatewayId: GW, state: 'online' })),
    );
    send(ev('evt-00000040'));
    await runTurn();
    await new Promise((r) => setImmediate(r));
    // not refused as "a shared store inside a transaction", and it saw the committed turn
    expect(done).toEqual([{ inTx: false, events: 1 }]);
    expect(heard).toEqual(['after-commit']);
  });

  describe('one turn, one transaction (store README, "One transaction per turn")', () => {
    const hb = () =>
      ingest.handle(
        topicFor('heartbeat', GW),
        Buffer.from(JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.heartbeat, gatewayId: GW })),
      );
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM scratch').get() as { n: number }).n;
    beforeEach(() => {
      db.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, gateway_id TEXT)');
      // a listener writing a heartbeat's consequence, as health does, and announcing it
      bus.on('ingest.heartbeat', ({ gatewayId, at }) => {
        db.prepare('INSERT INTO scratch (gateway_id) VALUES (?)').run(gatewayId);
        bus.emit('device.updated', {
          subjectKind: 'gateway',
          gatewayId,
          deviceId: gatewayId,
          homeId: null,
          state: 'online',
          at,
        });
      });
    });

    it('heartbeats and events of a turn commit together; what listeners emit is heard after the commit', async () => {
      const inTx: boolean[] = [];
      const announced: boolean[] = [];
      bus.on('ingest.heartbeat', () => inTx.push(db.inTransaction));
      bus.on('device.updated', () => announced.push(db.inTransaction));
      processors.push(() => {
        inTx.push(db.inTransaction);
        return undefined;
      });
      hb();
      send(ev('evt-00000010'));
      hb();
      expect(turns).toHaveLength(1);
      expect(count()).toBe(0);
      await runTurn();
      expect(inTx).toEqual([true, true, true]);
      expect(announced).toEqual([false, false]);
      expect(count()).toBe(2);
      expect(published).toEqual([{ topic: topicFor('ack', GW), ids: ['evt-00000010'] }]);
    });

    it("acks the turn's events before listeners hear what its heartbeats changed", async () => {
      const ackedWhenAnnounced: number[] = [];
      bus.on('device.updated', () => ackedWhenAnnounced.push(published.length));
      hb();
      send(ev('evt-00000012'));
      await runTurn();
      expect(ackedWhenAnnounced).toEqual([1]);
    });

    it('a failed turn rolls back as one; its heartbeats are then applied once each and events stay unacked', async () => {
      let fail = true;
      processors.push(() => {
        if (fail) throw new Error('disk full');
        return undefined;
      });
      const announced: number[] = [];
      bus.on('device.updated', () => announced.push(count()));
      hb();
      send(ev('evt-00000011'));
      await runTurn();
      expect(db.prepare('SELECT 1 FROM events').get()).toBeUndefined();
      expect(published).toEqual([]);
      // rolled back with the event, then written again in a transaction of its own: once, not twice
      expect(count()).toBe(1);
      expect(announced).toEqual([1]);
      fail = false;
      send(ev('evt-00000011'));
      await runTurn();
      expect(published).toEqual([{ topic: topicFor('ack', GW), ids: ['evt-00000011'] }]);
    });
  });

  // docs/scaling.md §3, "Alarms first": the microtask that starts an alarm's turn and the turn of
  // the event loop between a turn's parts are the test's to run
  describe('alarms first', () => {
    let urgent: Array<() => void>;
    let yields: Array<() => void>;
    let seen: string[];
    let first: MqttIngest;
    const alarm = (id: string): EventEnvelope =>
      ({ ...ev(id), kind: 'alarm', priority: 'alarm' }) as EventEnvelope;
    const online = () =>
      first.handle(
        topicFor('availability', GW),
        Buffer.from(
          JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.availability, gatewayId: GW, state: 'online' }),
        ),
      );
    const sendTo = (e: EventEnvelope) =>
      first.handle(topicFor('events', e.gatewayId), Buffer.from(JSON.stringify(e)));
    /** Runs `fn` (a deferred start or a yield) and lets the turn go on until it waits again. */
    const run = async (fns: Array<() => void>) => {
      fns.shift()!();
      await new Promise((r) => setImmediate(r));
    };
    const acks = () => published.map((p) => p.ids);
    beforeEach(() => {
      urgent = [];
      yields = [];
      seen = [];
      first = new MqttIngest({
        mqtt: {
          publish: async (topic: string, payload: string) => {
            published.push({ topic, ids: (JSON.parse(payload) as { ids: string[] }).ids });
          },
        } as unknown as ServerMqttClient,
        clock,
        storage: sqliteStorage(db),
        bus,
        processors,
        stateHandlers: [
          (states) => {
            seen.push(`${states.map((st) => st.kind).join(',')} after ${published.length} ack(s)`);
          },
        ],
        metrics,
        ingestMetrics: createIngestMetrics(createMetrics()),
        log: createLogger('silent'),
        defer: (fn) => turns.push(fn),
        deferUrgent: (fn) => urgent.push(fn),
        yieldTurn: (fn) => yields.push(fn),
      });
    });

    it("starts an alarm's turn at once, acks its events, and after a turn of the event loop stores its state messages", async () => {
      online();
      sendTo(ev('evt-00000050'));
      expect(urgent).toHaveLength(0);
      sendTo(alarm('evt-alarm-0001'));
      expect(urgent).toHaveLength(1);
      await run(urgent);
      // committed and acked, the availability message not yet applied
      expect(acks()).toEqual([['evt-00000050', 'evt-alarm-0001']]);
      expect(seen).toEqual([]);
      expect(yields).toHaveLength(1);
      await run(yields);
      expect(seen).toEqual(['availability after 1 ack(s)']);
      // the turn deferred for the end of the event loop's turn finds nothing left
      await run(turns);
      await first.flush();
      expect(seen).toHaveLength(1);
      expect(urgent).toEqual([]);
    });

    it("stores alarms read while a turn's state messages wait before those, then the rest in order", async () => {
      online();
      sendTo(alarm('evt-alarm-0002'));
      await run(urgent);
      expect(acks()).toEqual([['evt-alarm-0002']]);
      // read during the turn of the event loop: an alarm, another unit's heartbeat, an event
      sendTo(alarm('evt-alarm-0003'));
      sendTo(ev('evt-00000053'));
      first.handle(
        topicFor('heartbeat', GW),
        Buffer.from(JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.heartbeat, gatewayId: GW })),
      );
      expect(urgent).toEqual([]);
      await run(yields);
      expect(acks()).toEqual([['evt-alarm-0002'], ['evt-alarm-0003', 'evt-00000053']]);
      expect(seen).toEqual([]);
      await run(yields);
      expect(seen).toEqual(['availability after 2 ack(s)']);
      // the heartbeat stays in the next turn, after the availability message that came before it
      await first.flush();
      expect(seen).toEqual(['availability after 2 ack(s)', 'heartbeat after 2 ack(s)']);
    });

    it('a turn without an alarm stays one transaction: its events are acked after its state messages', async () => {
      online();
      sendTo(ev('evt-00000051'));
      await run(turns);
      await first.flush();
      expect(urgent).toEqual([]);
      expect(yields).toEqual([]);
      expect(seen).toEqual(['availability after 0 ack(s)']);
      expect(published).toHaveLength(1);
    });

    it('a failed alarm part is not acked and the state messages are still stored', async () => {
      let fail = true;
      processors.push(() => {
        if (fail) throw new Error('disk full');
        return undefined;
      });
      online();
      sendTo(alarm('evt-alarm-0004'));
      sendTo(ev('evt-00000052'));
      await run(urgent);
      expect(published).toEqual([]);
      await run(yields);
      await first.flush();
      expect(seen).toEqual(['availability after 0 ack(s)']);
      expect(db.prepare('SELECT 1 FROM events').get()).toBeUndefined();
      fail = false;
      sendTo(alarm('evt-alarm-0004'));
      await run(urgent);
      await first.flush();
      expect(acks()).toEqual([['evt-alarm-0004']]);
    });
  });
});
