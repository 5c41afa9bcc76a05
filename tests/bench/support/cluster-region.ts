import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from '@baken/hardware/testing/external-program';
import { RabbitmqGatewayUsers } from '@baken/server/broker/rabbitmq/rabbitmq-users';
import { PgDatabase } from '@baken/server/store/pg/pg-database';
import { findPostgresBin, startPostgres, type ThrowawayPostgres } from '@baken/server/testing/postgres';
import { sharedKeysEnv } from '@baken/server/testing/shared-keys';
import { startClusteredInstance } from '../../support/clustered-instance.js';
import {
  RABBIT_ADMIN,
  type RabbitCluster,
  rabbitmqBinDir,
  startRabbitCluster,
} from '../../support/rabbitmq.js';
import type { HomeCred, Tally } from './gen-proc.js';
import { AlarmProbe } from './probe.js';
import { seedRegion } from './seed.js';
import { type ServerProc, stopServer } from './server-proc.js';

export const HOST = '127.0.0.1';

/** Why the clustered bench cannot run here (a program is missing), or null when it can. */
export function clusterMissing(): string | null {
  const missing = [
    ...(findPostgresBin() ? [] : ['PostgreSQL (initdb, postgres; Debian package postgresql)']),
    ...(rabbitmqBinDir() ? [] : ['RabbitMQ (rabbitmq-server; Debian package rabbitmq-server)']),
    ...(findProgram('epmd') ? [] : ['epmd (Debian package erlang-base)']),
  ];
  return missing.length === 0 ? null : missing.join(', ');
}

/**
 * CPU time (clock ticks) a process and all its descendants have used so far, including children
 * that already ended (each process's cutime/cstime holds its reaped children). PostgreSQL: the
 * postmaster and its backends; RabbitMQ: the Erlang VM and its port programs.
 */
export function processTreeTicks(rootPid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(name), Number(f[1]));
    ticks.set(Number(name), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, i = 0; p !== undefined && p > 1 && i < 64; i++) {
      if (p === rootPid) return true;
      p = parent.get(p);
    }
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) sum += t;
  return sum;
}

/** The Erlang VM (`beam.smp`) running the RabbitMQ node called `nodeName`. */
export function beamPid(nodeName: string): number {
  // The start script passes the node's name to the VM in its environment, not on its command line.
  const mark = `RABBITMQ_NODENAME=${nodeName}`;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/comm`, 'utf8').startsWith('beam')) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(mark)) return Number(name);
    } catch {
      // ended meanwhile
    }
  }
  throw new Error(`no Erlang VM runs the RabbitMQ node ${nodeName}`);
}

/**
 * The clustered deployment on this machine (docs/deploy/README.md): a throwaway PostgreSQL, one
 * RabbitMQ node (MQTT for the homes, the uplink quorum queue for the instances), and identical
 * server instances run as `npm start` runs them with `BAKEN_DATABASE=postgres` and
 * `BAKEN_BROKER=rabbitmq`. The region is seeded through the server's bulk enrolment into
 * PostgreSQL, and every home gets its broker user as enrolment makes it (`RabbitmqGatewayUsers`).
 */
export class ClusterRegion {
  readonly instances: ServerProc[] = [];
  private readonly probes: AlarmProbe[] = [];
  /** The keys every instance shares (the clustered mode refuses to start without them). */
  private readonly env: Record<string, string> = sharedKeysEnv();
  homes: HomeCred[] = [];
  probeCred!: HomeCred;
  adminToken = '';
  databaseUrl = '';

  private constructor(
    readonly pg: ThrowawayPostgres,
    readonly rabbit: RabbitCluster,
    readonly dir: string,
  ) {}

  static async start(o: { homes: number }): Promise<ClusterRegion> {
    const [pg, rabbit] = await Promise.all([startPostgres(), startRabbitCluster(1)]);
    const r = new ClusterRegion(pg, rabbit, mkdtempSync(join(tmpdir(), 'baken-bench-cluster-')));
    try {
      r.databaseUrl = await pg.createDatabase({ name: 'baken_cluster', icuLocale: 'nl-NL' });
      const seeded = await seedRegion(r.dir, o.homes + 1, 'cbench', r.databaseUrl, r.env);
      r.homes = seeded.homes.slice(0, o.homes);
      r.probeCred = seeded.homes[o.homes]!;
      r.adminToken = seeded.adminToken;
      const users = new RabbitmqGatewayUsers({
        url: r.node.managementUrl,
        username: RABBIT_ADMIN.username,
        password: RABBIT_ADMIN.password,
      });
      const all = [...seeded.homes];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let h = all.pop(); h; h = all.pop()) await users.issue(h.id, h.password);
        }),
      );
    } catch (err) {
      await r.close();
      throw err;
    }
    return r;
  }

  get node() {
    return this.rabbit.nodes[0]!;
  }

  /** The broker's MQTT port: where the homes connect. */
  get mqttPort(): number {
    return this.node.mqttPort;
  }

  get beamPid(): number {
    return beamPid(this.node.name);
  }

  /** Starts one more instance; resolves once it listens (every module started, consuming uplink). */
  async addInstance(): Promise<ServerProc> {
    const proc = await startClusteredInstance({
      dataDir: join(this.dir, `instance-${this.instances.length + 1}`),
      databaseUrl: this.databaseUrl,
      amqpUrls: [this.node.amqpUrl],
      managementUrl: this.node.managementUrl,
      publicUrls: [this.node.mqttUrl],
      env: this.env,
    });
    this.instances.push(proc);
    return proc;
  }

  /** A probe home on the broker with the live stream open on `instance`. */
  async openProbe(instance: ServerProc): Promise<AlarmProbe> {
    const probe = new AlarmProbe(this.probeCred, {
      host: HOST,
      mqttPort: this.mqttPort,
      url: instance.url,
      token: this.adminToken,
    });
    this.probes.push(probe);
    await probe.openStream();
    await probe.connect();
    return probe;
  }

  private async query<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
    const c = new PgDatabase(this.databaseUrl, { max: 1, applicationName: 'baken-bench' });
    try {
      return (await c.sql.query<T & Record<string, unknown>>(sql, params)).rows;
    } finally {
      await c.close();
    }
  }

  /** Rows in `events` for the generator's ids (every id starts with its process's prefix). */
  async storedEvents(tallies: readonly Tally[]): Promise<number> {
    let n = 0;
    for (const t of tallies) {
      const [row] = await this.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE id LIKE $1 || '%'",
        [t.prefix],
      );
      n += Number(row?.n ?? 0);
    }
    return n;
  }

  /** Alarms raised for these event ids (one per pressed alarm, never two). */
  async alarmsFor(eventIds: readonly string[]): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      'SELECT count(*) AS n FROM alarms WHERE event_id = ANY($1)',
      [eventIds],
    );
    return Number(row?.n ?? 0);
  }

  /** PostgreSQL's deadlocks so far in the region's database (two turns locking rows in opposite order). */
  async deadlocks(): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      'SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()',
      [],
    );
    return Number(row?.n ?? 0);
  }

  async close(): Promise<void> {
    for (const p of this.probes) p.close();
    for (const i of this.instances) await stopServer(i).catch(() => undefined);
    await this.rabbit.stop().catch(() => undefined);
    await this.pg.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
