import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RabbitUplink } from '@baken/server/broker/rabbitmq/rabbitmq-uplink';
import { RabbitmqGatewayUsers } from '@baken/server/broker/rabbitmq/rabbitmq-users';
import { SystemClock } from '@baken/server/clock';
import { createMetrics } from '@baken/server/metrics';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needRabbitmq, RABBIT_ADMIN, type RabbitCluster, startRabbitCluster } from '../support/rabbitmq.js';

const hasRabbit = needRabbitmq();
const CHILD = fileURLToPath(new URL('./support/rabbitmq-consumer-child.ts', import.meta.url));

/** Polls a condition on the event loop (the broker and the child run on real time). */
async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Server instances as competing consumers of the uplink quorum queue on a real RabbitMQ node
 * (docs/adr/0001-clustered-broker.md): a gateway publishes events over MQTT; instance A (a child
 * process) and instance B (here) share them; A is killed with SIGKILL mid-stream, holding messages
 * it has not acknowledged — one of them already committed. Every event ends up stored exactly once
 * (the store deduplicates by event id, as the server's event store does), and the one A committed
 * without acking reaches B again as a duplicate.
 */
describe.skipIf(!hasRabbit)('uplink from RabbitMQ: competing consumers, ack after commit', () => {
  let cluster: RabbitCluster;
  let a: ChildProcess | undefined;
  const uplinks: RabbitUplink[] = [];

  beforeAll(async () => {
    cluster = await startRabbitCluster(1);
  }, 180_000);

  afterAll(async () => {
    a?.kill('SIGKILL');
    for (const u of uplinks) await u.close();
    await cluster?.stop();
  }, 60_000);

  it('stores every event once when one instance dies mid-stream', async () => {
    const node = cluster.nodes[0]!;
    const N = 200;
    /** The shared store: event id → how many instances committed it. */
    const commits = new Map<string, number>();
    const commit = (id: string) => commits.set(id, (commits.get(id) ?? 0) + 1);
    let duplicates = 0;
    const store = (id: string) => {
      if (commits.has(id)) duplicates++;
      else commit(id);
    };

    // Instance A, in its own process, sharing the queue.
    a = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, AMQP_URL: node.amqpUrl, PREFETCH: '5' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const aGot: string[] = [];
    let aReady = false;
    createInterface({ input: a.stdout! }).on('line', (line) => {
      const [what, id] = line.split(' ');
      if (what === 'ready') aReady = true;
      if (what === 'got') aGot.push(id!);
      if (what === 'commit') store(id!);
    });
    await until('instance A ready', () => aReady, 60_000);

    // A gateway with its own user publishes N events (QoS 1) before B exists: A takes its window.
    const users = new RabbitmqGatewayUsers({
      url: node.managementUrl,
      username: RABBIT_ADMIN.username,
      password: RABBIT_ADMIN.password,
    });
    const password = randomBytes(16).toString('hex');
    await users.issue('gw-uplink-1', password);
    const gw = await mqtt.connectAsync(node.mqttUrl, {
      protocolVersion: 4,
      clientId: 'gw-uplink-1',
      username: 'gw-uplink-1',
      password,
      reconnectPeriod: 0,
    });
    const ids = Array.from(
      { length: N },
      (_, i) => `evt-${String(i).padStart(4, '0')}-${randomBytes(3).toString('hex')}`,
    );
    for (const id of ids)
      await gw.publishAsync('baken/v1/gw/gw-uplink-1/events', JSON.stringify({ id }), { qos: 1 });
    await until('A holds its prefetch window', () => aGot.length >= 5);

    // A commits and acks its first 3, commits the 4th without acking, then dies holding it and 4 more.
    for (const id of aGot.slice(0, 3)) a.stdin!.write(`commit ${id}\n`);
    a.stdin!.write(`commit-noack ${aGot[3]}\n`);
    await until('A committed 4', () => commits.size >= 4);
    // Its 3 acks refilled its window: it holds 5 unacknowledged again (the committed 4th among them).
    await until('A refilled its window', () => aGot.length >= 8);
    const committedByA = new Set(commits.keys());
    const heldByA = aGot.slice(3);

    // Instance B: competes for the same queue, stores on arrival (returns after the commit).
    const b = await RabbitUplink.connect({
      urls: [node.amqpUrl],
      prefetch: 20,
      clock: new SystemClock(),
      metrics: createMetrics(),
      logger: pino({ level: 'silent' }),
    });
    uplinks.push(b);
    const bGot: string[] = [];
    await b.subscribe('baken/v1/gw/+/events', async (topic, payload) => {
      expect(topic).toBe('baken/v1/gw/gw-uplink-1/events');
      const id = (JSON.parse(payload.toString()) as { id: string }).id;
      bGot.push(id);
      store(id);
    });
    await b.startConsuming();
    // While A lives, B never sees what A holds unacknowledged.
    await until('B has taken the rest', () => bGot.length >= N - aGot.length);
    expect(aGot.length).toBe(8);
    for (const id of heldByA) expect(bGot).not.toContain(id);
    a.kill('SIGKILL');

    await until('every event stored', () => ids.every((id) => commits.has(id)));
    // A's unacked messages went to B; the one A had committed is recognised as a duplicate.
    await until('the committed-but-unacked event redelivered', () => duplicates >= 1);
    for (const id of heldByA) expect(bGot).toContain(id);
    for (const id of committedByA) expect(commits.get(id)).toBe(1);
    expect([...commits.values()].every((c) => c === 1)).toBe(true);
    expect(commits.size).toBe(N);
    expect(duplicates).toBe(1);
    await gw.endAsync();
  }, 120_000);

  it('publishes downlink to the gateway with confirms', async () => {
    const node = cluster.nodes[0]!;
    const users = new RabbitmqGatewayUsers({
      url: node.managementUrl,
      username: RABBIT_ADMIN.username,
      password: RABBIT_ADMIN.password,
    });
    const password = randomBytes(16).toString('hex');
    await users.issue('gw-uplink-2', password);
    const gw = await mqtt.connectAsync(node.mqttUrl, {
      protocolVersion: 4,
      clientId: 'gw-uplink-2',
      username: 'gw-uplink-2',
      password,
      reconnectPeriod: 0,
    });
    await gw.subscribeAsync('baken/v1/gw/gw-uplink-2/ack', { qos: 1 });
    const got = new Promise<{ topic: string; body: string; qos: number }>((r) =>
      gw.once('message', (topic, p, packet) => r({ topic, body: p.toString(), qos: packet.qos })),
    );
    const server = uplinks[0]!;
    await server.publish('baken/v1/gw/gw-uplink-2/ack', '{"v":1,"ids":["x"]}', { qos: 1 });
    expect(await got).toEqual({ topic: 'baken/v1/gw/gw-uplink-2/ack', body: '{"v":1,"ids":["x"]}', qos: 1 });
    await gw.endAsync();
  });
});
