import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { MACHINE_KEY_FILE } from '@baken/server/auth/machine-credentials';
import { PgDatabase } from '@baken/server/store/pg/pg-database';
import { sharedKeysEnv } from '@baken/server/testing/shared-keys';
import Database from 'better-sqlite3';
import type { HomeCred } from './gen-proc.js';
import { AlarmProbe, type AlarmSample } from './probe.js';
import { type Seeded, seedRegion } from './seed.js';
import {
  freePort,
  kill9,
  type ServerForm,
  type ServerProc,
  startServerProc,
  stopServer,
} from './server-proc.js';

export const HOST = '127.0.0.1';

interface Ports {
  http: number;
  mqtt: number;
  metrics: number;
}

/**
 * The keys the clustered mode requires (it refuses to start without them), kept in the region's
 * data folder so a restarted server gets the same; the machine-credential key is the one the
 * seeding hashed the gateways' passwords under (the data folder's file).
 */
function clusterKeys(dir: string): Record<string, string> {
  const file = join(dir, 'cluster-keys.json');
  if (!existsSync(file)) {
    const machineKey = readFileSync(join(dir, MACHINE_KEY_FILE), 'utf8').trim();
    const keys = { ...sharedKeysEnv(), BAKEN_MACHINE_CREDENTIAL_KEY: machineKey };
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * Seeds the region with the code of the checkout whose server will run on it (`root`, a same-run
 * "before"): its migrations and its credential hashing, so a tree that adds a migration can be
 * compared with one that does not know it (that server refuses a database a newer build wrote).
 * A checkout without the bench's seeding is seeded by this one.
 */
async function seedWith(
  root: string | undefined,
  dir: string,
  n: number,
  databaseUrl: string | undefined,
): Promise<Seeded> {
  const theirs = root === undefined ? null : join(root, 'tests', 'bench', 'support', 'seed.ts');
  if (theirs === null || !existsSync(theirs)) return seedRegion(dir, n, 'bench', databaseUrl);
  const args = JSON.stringify(databaseUrl ? [dir, n, 'bench', databaseUrl] : [dir, n, 'bench']);
  const code = `const m = await import(${JSON.stringify(pathToFileURL(theirs).href)});
const r = await m.seedRegion(...${args});
process.stdout.write('\\n' + JSON.stringify(r) + '\\n');`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', code],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Seeded;
}

/**
 * A region on this machine: a fresh data folder seeded with `homes` enrolled homes (plus `spare`
 * ones for probes), the server as a child process on fixed ports, and an alarm probe with the live
 * stream open.
 */
export class Region {
  private constructor(
    readonly dir: string,
    readonly homes: HomeCred[],
    readonly spare: HomeCred[],
    private readonly probeCred: HomeCred,
    readonly token: string,
    public server: ServerProc,
    public probe: AlarmProbe,
    private readonly ports: Ports,
    private readonly heartbeatIntervalS: number,
    private readonly root: string | undefined,
    private readonly databaseUrl: string | undefined,
    private readonly form: ServerForm,
  ) {}

  /** `root`: run the server of another checkout on the same seeded data (a same-run "before"). */
  static async start(o: {
    homes: number;
    spare?: number;
    heartbeatIntervalS?: number;
    root?: string;
    /** Run the server on this PostgreSQL database (`database=postgres`) instead of SQLite. */
    databaseUrl?: string;
    /** How the server runs (default `tsx`; the restart bench runs the production `bundle`). */
    form?: ServerForm;
  }): Promise<Region> {
    const dir = mkdtempSync(join(tmpdir(), 'baken-bench-region-'));
    const spare = o.spare ?? 3;
    const seeded = await seedWith(o.root, dir, o.homes + spare, o.databaseUrl);
    const ports = { http: await freePort(), mqtt: await freePort(), metrics: await freePort() };
    const interval = o.heartbeatIntervalS ?? 60;
    const form = o.form ?? 'tsx';
    const server = await Region.spawn(dir, ports, interval, o.root, o.databaseUrl, form);
    const probe = await Region.openProbe(server, seeded.homes[o.homes]!, seeded.adminToken);
    return new Region(
      dir,
      seeded.homes.slice(0, o.homes),
      seeded.homes.slice(o.homes + 1),
      seeded.homes[o.homes]!,
      seeded.adminToken,
      server,
      probe,
      ports,
      interval,
      o.root,
      o.databaseUrl,
      form,
    );
  }

  private static spawn(
    dir: string,
    ports: Ports,
    interval: number,
    root: string | undefined,
    databaseUrl: string | undefined,
    form: ServerForm,
  ) {
    return startServerProc({
      form,
      dataDir: dir,
      httpPort: ports.http,
      mqttPort: ports.mqtt,
      metricsPort: ports.metrics,
      heartbeatIntervalS: interval,
      ...(root ? { root } : {}),
      ...(databaseUrl
        ? { env: { BAKEN_DATABASE: 'postgres', BAKEN_DATABASE_URL: databaseUrl, ...clusterKeys(dir) } }
        : {}),
    });
  }

  private static async openProbe(server: ServerProc, cred: HomeCred, token: string): Promise<AlarmProbe> {
    const probe = new AlarmProbe(cred, { host: HOST, mqttPort: server.mqttPort, url: server.url, token });
    await probe.openStream();
    await probe.connect();
    return probe;
  }

  get mqttPort(): number {
    return this.ports.mqtt;
  }

  /** `kill -9` of the server; resolves once it is gone. */
  async kill(): Promise<void> {
    this.probe.close();
    await kill9(this.server);
  }

  /**
   * Starts the server again on the same folder and ports, as a service manager would (again after
   * a failed start, up to `attempts`); returns how many starts failed. The probe reconnects when asked.
   * `root`: restart with another checkout's server (a same-run "before", BENCH_BEFORE).
   */
  async restart(attempts = 5, root = this.root): Promise<number> {
    for (let failed = 0; ; failed++) {
      try {
        this.server = await Region.spawn(
          this.dir,
          this.ports,
          this.heartbeatIntervalS,
          root,
          this.databaseUrl,
          this.form,
        );
        return failed;
      } catch (e) {
        if (failed + 1 >= attempts) throw e;
      }
    }
  }

  /** A new probe (same identity) on the running server. */
  async reopenProbe(): Promise<void> {
    this.probe = await Region.openProbe(this.server, this.probeCred, this.token);
  }

  /** Commit time of each sample: the server's `stored_at` (ms) minus the publish time. */
  async committedMs(samples: readonly AlarmSample[]): Promise<number[]> {
    if (this.databaseUrl) {
      const c = new PgDatabase(this.databaseUrl, { max: 1, applicationName: 'baken-bench' });
      try {
        const r = await c.sql.query<{ id: string; s: number }>(
          'SELECT id, stored_at AS s FROM events WHERE id = ANY($1)',
          [samples.map((s) => s.id)],
        );
        const at = new Map(r.rows.map((row) => [row.id, row.s]));
        return samples.flatMap((s) => {
          const v = at.get(s.id);
          return v === undefined ? [] : [Math.max(0, v - s.publishedAt)];
        });
      } finally {
        await c.close();
      }
    }
    const db = new Database(join(this.dir, 'baken.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const q = db.prepare('SELECT stored_at AS s FROM events WHERE id = ?');
      return samples.flatMap((s) => {
        const r = q.get(s.id) as { s: number } | undefined;
        return r ? [Math.max(0, r.s - s.publishedAt)] : [];
      });
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {
    this.probe.close();
    await stopServer(this.server);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
