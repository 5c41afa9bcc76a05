import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway, type GatewayTransports, parseConfig } from '@baken/gateway';
import { MockBleScanner, SystemClock } from '@baken/hardware';
import { hashSecret, newSecret } from '@baken/server/auth/secrets';
import { createPgRepositories } from '@baken/server/store/pg/index';
import { runPgMigrations } from '@baken/server/store/pg/migrate';
import { PgDatabase } from '@baken/server/store/pg/pg-database';
import { sharedKeysEnv } from '@baken/server/testing/shared-keys';
import { pino } from 'pino';
import { type ServerProc, stopServer } from '../../bench/support/server-proc.js';
import { startClusteredInstance } from '../../support/clustered-instance.js';
import { startPostgres, type ThrowawayPostgres } from '../../support/postgres.js';
import { type RabbitCluster, startRabbitCluster } from '../../support/rabbitmq.js';

export const clock = new SystemClock();

/** Polls `cond` every 50 ms until it holds; fails with `what` after `ms` (a deadline, not a timing claim). */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One server instance: a real child process (so `kill -9` is a real kill) with its own data folder. */
export interface Instance {
  name: string;
  proc: ServerProc;
  url: string;
}

/** A home enrolled through an instance's API: what its gateway was provisioned with. */
export interface Enrolled {
  clientId: string;
  homeId: string;
  gatewayId: string;
  mqtt: { username: string; password: string; urls: string[] };
}

/** What the gateways are configured with (docs/deploy/README.md, "Broker node failover"). */
export const FAILOVER_AFTER_MS = 5_000;

/**
 * A region in clustered mode (docs/deploy/README.md): a throwaway PostgreSQL, RabbitMQ (MQTT for
 * the home units, the uplink quorum queue for the instances; one node, or a cluster of three),
 * identical server instances run as `npm start` runs them with `BAKEN_DATABASE=postgres`, and real
 * gateways (on-disk outbox, the production uplink) enrolled through an instance's API. The keys
 * every instance must share (gateway passwords, sealed secrets, Web Push) come from the
 * environment, as in production. With three nodes, node 0 also serves the management API the
 * instances make broker users through, and the gateways' two endpoints are nodes 1 and 2 (half of
 * the homes have one first, half the other), so a test kills node 1 or 2.
 */
export class PgRegion {
  pg!: ThrowawayPostgres;
  rabbit!: RabbitCluster;
  /** The test's own pool: set-up as at installation or the factory, and the verdicts. */
  db!: PgDatabase;
  databaseUrl!: string;
  adminToken!: string;
  readonly instances: Instance[] = [];
  readonly gateways: Gateway[] = [];
  /** The environment every instance shares: the region's keys, as in production (the clustered mode refuses to start without them). */
  readonly env: Record<string, string> = sharedKeysEnv();

  constructor(
    readonly brokerNodes: 1 | 3 = 1,
    readonly dir = mkdtempSync(join(tmpdir(), 'baken-cluster-')),
  ) {}

  /** PostgreSQL (migrated, with an admin and an API token) and the broker. */
  async start(): Promise<void> {
    [this.pg, this.rabbit] = await Promise.all([startPostgres(), startRabbitCluster(this.brokerNodes)]);
    this.databaseUrl = await this.pg.createDatabase();
    this.db = new PgDatabase(this.databaseUrl, { max: 4, applicationName: 'baken-test' });
    await runPgMigrations(this.db, undefined, Date.now());
    this.adminToken = (await this.user('admin', 'region-admin')).auth.authorization.slice('Bearer '.length);
  }

  /** A user with an API token, made in the database as the first admin is at installation. */
  async user(
    role: 'admin' | 'care_worker' | 'monitor',
    username: string,
  ): Promise<{ id: string; auth: { authorization: string } }> {
    const repos = createPgRepositories(this.db);
    const u = await repos.users.create(
      { username, displayName: username, role, passwordHash: 'scrypt$1$1$1$AA==$AA==' },
      Date.now(),
    );
    const token = newSecret('bkn_');
    await repos.apiTokens.create({
      id: randomUUID(),
      userId: u.id,
      name: 'cluster-test',
      createdAt: Date.now(),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      tokenHash: hashSecret(token),
    });
    return { id: u.id, auth: { authorization: `Bearer ${token}` } };
  }

  /** The MQTT endpoints the instances hand out at enrolment (two when the broker is clustered). */
  publicUrls(): string[] {
    const n = this.rabbit.nodes;
    return (n.length > 1 ? n.slice(1, 3) : n).map((x) => x.mqttUrl);
  }

  /**
   * Starts one more instance; resolves once it listens (every module started). `amqpNodes`: the
   * broker nodes it connects to, in order (it moves to the next when one dies).
   */
  async instance(name: string, amqpNodes: readonly number[] = [0]): Promise<Instance> {
    const proc = await startClusteredInstance({
      dataDir: join(this.dir, name),
      databaseUrl: this.databaseUrl,
      amqpUrls: amqpNodes.map((k) => this.rabbit.nodes[k]!.amqpUrl),
      managementUrl: this.rabbit.nodes[0]!.managementUrl,
      publicUrls: this.publicUrls(),
      env: { ...this.env, BAKEN_LOG_LEVEL: process.env['CLUSTER_SERVER_LOG'] ?? 'error' },
    });
    const i = { name, proc, url: proc.url };
    this.instances.push(i);
    return i;
  }

  auth(): { authorization: string } {
    return { authorization: `Bearer ${this.adminToken}` };
  }

  async api<T>(
    i: Instance,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: object,
    auth = this.auth(),
  ): Promise<T> {
    const res = await fetch(`${i.url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} on ${i.name}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Enrols a home through instance `i` (the broker user is made at enrolment); no gateway yet. */
  async enrol(i: Instance, n: number): Promise<Enrolled> {
    const client = await this.api<{ id: string }>(i, 'POST', '/api/v1/clients', { name: `Client ${n}` });
    const home = await this.api<{ id: string }>(i, 'POST', '/api/v1/homes', {
      clientId: client.id,
      address: `Kerkstraat ${n}`,
      city: 'Utrecht',
      region: 'Utrecht',
    });
    const tok = await this.api<{ token: string }>(i, 'POST', `/api/v1/homes/${home.id}/enrolment-tokens`, {});
    const prov = await fetch(`${i.url}/api/v1/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: tok.token,
        hardwareId: `machine-id:${randomBytes(16).toString('hex')}`,
        software: '0.1.0',
      }),
    });
    if (!prov.ok) throw new Error(`provision: ${prov.status} ${await prov.text()}`);
    const p = (await prov.json()) as Omit<Enrolled, 'clientId' | 'homeId'>;
    return { clientId: client.id, homeId: home.id, gatewayId: p.gatewayId, mqtt: p.mqtt };
  }

  /**
   * Starts the gateway of home `n` with what it was provisioned with: its two endpoints (the
   * second endpoint first for odd `n`), and any devices behind it (`devices`, `transports`).
   */
  async gateway(
    i: Instance,
    n: number,
    e: Enrolled,
    extra: { devices?: unknown[]; transports?: GatewayTransports } = {},
  ): Promise<Gateway> {
    const [first, second] = n % 2 === 0 ? e.mqtt.urls : [...e.mqtt.urls].reverse();
    const dataDir = join(this.dir, `gw-${n}`);
    mkdirSync(dataDir, { recursive: true });
    const gw = createGateway({
      config: parseConfig({
        dataDir,
        mqtt: {
          primaryUrl: first,
          ...(second ? { secondaryUrl: second, failoverAfterMs: FAILOVER_AFTER_MS } : {}),
          backoffInitialMs: 200,
          backoffMaxMs: 1_000,
        },
        outbox: { ackTimeoutMs: 2_000 },
        ...(extra.devices ? { devices: extra.devices } : {}),
      }),
      credentials: {
        gatewayId: e.gatewayId,
        server: i.url,
        mqtt: { username: e.mqtt.username, password: e.mqtt.password },
        provisionedAt: Date.now(),
      },
      clock,
      logger: pino({ level: 'silent' }),
      softwareVersion: '0.1.0-cluster',
      transports: { openBleScanner: () => new MockBleScanner({ clock }), ...extra.transports },
    });
    await gw.start();
    this.gateways.push(gw);
    return gw;
  }

  /** Enrols home `n` through instance `i` and starts its gateway. */
  async home(i: Instance, n: number): Promise<Gateway> {
    return this.gateway(i, n, await this.enrol(i, n));
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.sql.query<T & Record<string, unknown>>(sql, params)).rows;
  }

  /** The instance holding a lease now (its holder id names the process), or null. */
  async leaseHolder(name: string): Promise<Instance | null> {
    const [row] = await this.query<{ holder: string }>(
      'SELECT holder FROM leases WHERE name = $1 AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint',
      [name],
    );
    return this.instances.find((i) => row?.holder.includes(`-${i.proc.pid}-`)) ?? null;
  }

  async close(): Promise<void> {
    for (const gw of this.gateways) await gw.stop().catch(() => undefined);
    for (const i of this.instances) await stopServer(i.proc).catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    await this.rabbit?.stop().catch(() => undefined);
    await this.pg?.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A dashboard's live stream (`GET /api/v1/stream`) on one instance, keeping what arrived. */
export async function openStream(
  i: Instance,
  auth: { authorization: string },
): Promise<{ text: () => string; close: () => Promise<void> }> {
  const res = await fetch(`${i.url}/api/v1/stream`, { headers: auth });
  if (!res.ok || !res.body) throw new Error(`stream on ${i.name}: ${res.status}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let text = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += dec.decode(value, { stream: true });
    }
  })();
  await until(() => text.includes(': connected'), `the stream on ${i.name} open`);
  return {
    text: () => text,
    close: async () => {
      await reader.cancel().catch(() => undefined);
      await reading;
    },
  };
}

/** `n` pendant alarms on a gateway, as its BLE bridge emits them. */
export function pressAlarms(gw: Gateway, n: number, firstCounter = 1): void {
  for (let c = firstCounter; c < firstCounter + n; c++)
    gw.bus.emit('device-event', {
      deviceId: 'pendant-cluster',
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: clock.now(),
      data: { format: 'baken', counter: c },
    });
}
