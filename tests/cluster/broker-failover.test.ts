// Node failover of the clustered broker (docs/adr/0001-clustered-broker.md, "Node failover";
// docs/deploy/README.md): a real gateway with the region's two MQTT endpoints, the server in
// clustered mode, a three-node RabbitMQ cluster, and `kill -9` of the node the gateway is on.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { SystemClock } from '@baken/hardware/clock/system-clock';
import { startServer } from '@baken/server';
import { testConfig } from '@baken/server/testing/test-app';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstAdminAuth } from '../support/first-admin.js';
import { needRabbitmq, RABBIT_ADMIN, type RabbitCluster, startRabbitCluster } from '../support/rabbitmq.js';

const hasRabbit = needRabbitmq();
const clock = new SystemClock();

/** What the region's gateways are configured with (docs/deploy/README.md, "Broker node failover"). */
const FAILOVER_AFTER_MS = 5_000;
/** The promise this test proves: back on the other node within this long after the kill. */
const BACK_WITHIN_MS = 30_000;

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = clock.monotonic() + ms;
  while (!(await ok())) {
    if (clock.monotonic() > end) throw new Error(`timed out waiting for ${what}`);
    await clock.sleep(50);
  }
}

describe.skipIf(!hasRabbit)('a gateway when the broker node it is on dies (three-node RabbitMQ)', () => {
  let cluster: RabbitCluster;
  let server: Awaited<ReturnType<typeof startServer>>;
  let auth: { authorization: string };
  let gw: Gateway | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'baken-failover-'));

  beforeAll(async () => {
    cluster = await startRabbitCluster(3);
    const [, , c] = cluster.nodes;
    const amqp = (n: (typeof cluster.nodes)[number]) => `amqp://${new URL(n.amqpUrl).host}`;
    server = await startServer({
      config: testConfig({
        mqtt: {
          port: 0,
          broker: 'rabbitmq',
          username: RABBIT_ADMIN.username,
          password: RABBIT_ADMIN.password,
          publicUrls: cluster.nodes.slice(0, 2).map((n) => n.mqttUrl),
          // the server instance starts on the third node, so the kill tests the gateway's failover
          rabbitmq: {
            amqpUrls: [c!, ...cluster.nodes.slice(0, 2)].map(amqp),
            managementUrl: c!.managementUrl,
          },
        },
      }),
    });
    auth = await firstAdminAuth(server, 'failover');
  }, 240_000);

  afterAll(async () => {
    await gw?.stop();
    await server?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  async function provision(): Promise<{
    gatewayId: string;
    username: string;
    password: string;
    urls: string[];
  }> {
    const post = (url: string, payload: object) =>
      server.app.inject({ method: 'POST', url, headers: auth, payload });
    const client = await post('/api/v1/clients', { name: 'Mevrouw de Vries' });
    const home = await post('/api/v1/homes', {
      clientId: client.json().id,
      address: 'Kerkstraat 2',
      city: 'Utrecht',
      region: 'Utrecht',
    });
    const tok = await post(`/api/v1/homes/${home.json().id}/enrolment-tokens`, {});
    const prov = await server.app.inject({
      method: 'POST',
      url: '/api/v1/provision',
      payload: {
        token: tok.json().token,
        hardwareId: `machine-id:${randomBytes(16).toString('hex')}`,
        software: '0.1.0',
      },
    });
    expect(prov.statusCode).toBe(200);
    const b = prov.json();
    return {
      gatewayId: b.gatewayId,
      username: b.mqtt.username,
      password: b.mqtt.password,
      urls: b.mqtt.urls,
    };
  }

  const storedAlarms = async (): Promise<string[]> => {
    const res = await server.app.inject({ url: '/api/v1/alarms', headers: auth });
    return res.json().items.map((a: { eventId: string }) => a.eventId);
  };

  /** A pendant alarm handed to the gateway as its bridge would; returns the event id. */
  const alarm = (g: Gateway, n: number): string => {
    const id = `evt-failover-${n}-${randomBytes(4).toString('hex')}`;
    g.bus.emit('device-event', {
      id,
      deviceId: 'pendant-failover',
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: clock.now(),
      data: { format: 'baken', counter: n },
    });
    return id;
  };

  it(`reconnects to the other endpoint within ${BACK_WITHIN_MS / 1000} s; alarms around the kill are stored once`, async () => {
    const g = await provision();
    const [a, b] = cluster.nodes;
    expect(g.urls).toEqual([a!.mqttUrl, b!.mqttUrl]);
    gw = createGateway({
      config: parseConfig({
        dataDir: dir,
        mqtt: { primaryUrl: g.urls[0], secondaryUrl: g.urls[1], failoverAfterMs: FAILOVER_AFTER_MS },
      }),
      credentials: {
        gatewayId: g.gatewayId,
        server: 'http://unused',
        mqtt: { username: g.username, password: g.password },
        provisionedAt: clock.now(),
      },
      clock,
      logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line.trim()) }),
      softwareVersion: '0.1.0-test',
    });
    const warnings: string[] = [];
    const paths: string[] = [];
    gw.uplink.on('connected', (path) => paths.push(path));
    await gw.start();
    await until('connected to the first node', () => gw!.uplink.connected);
    expect(gw.uplink.path).toBe('primary');

    // one alarm through the healthy cluster first: the whole path works before the kill
    const before = alarm(gw, 1);
    await until('the first alarm acked', () => gw!.outbox.depth() === 0);

    // an alarm published just before the node dies (its app ack may not make it), one just after
    const atKill = alarm(gw, 2);
    const killedAt = clock.monotonic();
    await a!.kill();
    const afterKill = alarm(gw, 3);
    expect(gw.outbox.depth()).toBeGreaterThanOrEqual(1);

    // `connected` is emitted once the inbound topics are subscribed and `online` is published
    await until('connected to the other node', () => paths.length >= 2, BACK_WITHIN_MS).catch((err) => {
      throw new Error(`${String(err)}; the gateway's warnings:\n${warnings.slice(-6).join('\n')}`);
    });
    const backMs = clock.monotonic() - killedAt;
    expect(backMs).toBeLessThan(BACK_WITHIN_MS);
    expect(paths).toEqual(['primary', 'secondary']);

    // nothing lost: both leave the outbox only by the server's app ack, after its commit
    await until('the alarms around the kill acked', () => gw!.outbox.depth() === 0, 60_000);
    const stored = await storedAlarms();
    for (const id of [before, atKill, afterKill]) expect(stored.filter((s) => s === id)).toHaveLength(1);
    console.info(`gateway back on the other node ${(backMs / 1000).toFixed(1)} s after kill -9 of its node`);
  }, 150_000);
});
