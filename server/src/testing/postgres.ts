import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a fresh temporary folder, one `postgres`
 * listening on loopback only (a free port) with its unix socket in that folder, trust
 * authentication, no fsync (nothing here must survive a crash). `stop()` shuts it down and removes
 * the folder; the cluster is also killed when the test process exits without stopping it.
 *
 * `initdb` refuses to run as root: as root, both `initdb` and `postgres` run as the `postgres`
 * system user (Debian's package creates it) and the folder is handed to that user.
 */
export interface ThrowawayPostgres {
  /** `postgres://baken@127.0.0.1:<port>/baken` — the superuser, trust authentication. */
  readonly url: string;
  readonly port: number;
  /** The postmaster's process id (its backends are its children: the bench sums their CPU). */
  readonly pid: number;
  /**
   * A fresh, empty database on this cluster; its URL. `icuLocale` (e.g. `nl-NL`) makes its default
   * collation linguistic, as a production database's usually is (the cluster itself is "C").
   */
  createDatabase(opts?: { name?: string; icuLocale?: string }): Promise<string>;
  stop(): Promise<void>;
}

const BIN_HINT = 'BAKEN_PG_BIN';
const LIB_DIR = '/usr/lib/postgresql';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder holding `initdb`, `postgres` and `pg_ctl`: `$BAKEN_PG_BIN` when set, else the folder on
 * `PATH` that has `initdb` (other distributions), else the newest `/usr/lib/postgresql/<version>/bin`
 * (Debian keeps the server binaries off `PATH`). `undefined` when PostgreSQL is not installed.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const hint = env[BIN_HINT];
  if (hint) return executable(join(hint, 'initdb')) ? hint : undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter))
    if (dir && executable(join(dir, 'initdb')) && executable(join(dir, 'postgres'))) return dir;
  let versions: string[] = [];
  try {
    versions = readdirSync(LIB_DIR).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const v of versions) {
    const bin = join(LIB_DIR, v, 'bin');
    if (executable(join(bin, 'initdb')) && executable(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

/**
 * Gate for suites that need PostgreSQL, as `needProgram` is for other outside programs: true when
 * it is installed; when it is not, a developer's run skips (`describe.skipIf(!needPostgres())`) but
 * under `CI=true` this throws, so CI never passes by skipping (`.ci/run` installs `postgresql`).
 */
export function needPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  if (findPostgresBin(env)) return true;
  if (env['CI'] === 'true')
    throw new Error(
      'BAKEN_ERR_TEST_PROGRAM_MISSING: PostgreSQL (initdb, postgres) is required under CI=true; .ci/run installs it',
    );
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** uid/gid to run the cluster as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('running as root: a `postgres` system user is needed for initdb');
  return { uid, gid };
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited early: ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() - started > 60_000) throw new Error(`postgres did not accept connections: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Launched {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  killOnExit: () => void;
}

/** Starts `postgres` on a free loopback port and waits until it accepts connections. */
async function launch(
  bin: string,
  data: string,
  dir: string,
  as: { uid?: number; gid?: number },
  env: NodeJS.ProcessEnv,
): Promise<Launched> {
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
  for (const s of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'])
    args.push('-c', s);
  let log = '';
  // With util-linux's setpriv the cluster dies with the test process even when that is killed
  // with -9 (a parent-death signal); without it, the exit hook below is all there is.
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(executable);
  const [cmd, cmdArgs] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGQUIT', '--', join(bin, 'postgres'), ...args]]
    : [join(bin, 'postgres'), args];
  const child = spawn(cmd, cmdArgs, { ...as, cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    child.kill('SIGQUIT');
  };
  process.once('exit', killOnExit);
  try {
    await waitReady(`postgres://baken@127.0.0.1:${port}/postgres`, child, () => log);
  } catch (e) {
    child.kill('SIGQUIT');
    await exited;
    process.off('exit', killOnExit);
    throw e;
  }
  return { child, port, exited, killOnExit };
}

/** Starts a throwaway cluster (see {@link ThrowawayPostgres}). */
export async function startPostgres(): Promise<ThrowawayPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (initdb not found); see needPostgres()');
  const owner = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'baken-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync(
      join(bin, 'initdb'),
      [
        '-D',
        data,
        '-U',
        'baken',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { ...as, cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (e) {
    remove();
    throw e;
  }
  // A free port can be taken by someone else before postgres binds it (or the machine can run
  // short of ports for a moment): try a few ports before giving up.
  let running: Launched | undefined;
  for (let attempt = 1; !running; attempt++) {
    try {
      running = await launch(bin, data, dir, as, env);
    } catch (e) {
      if (attempt >= 4) {
        remove();
        throw e;
      }
    }
  }
  const { child, port, exited, killOnExit } = running;
  const base = `postgres://baken@127.0.0.1:${port}`;
  const url = `${base}/postgres`;
  let n = 0;
  return {
    url,
    port,
    pid: child.pid as number,
    async createDatabase(opts = {}) {
      const name = opts.name ?? `t${process.pid}_${++n}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const icu = opts.icuLocale;
      if (icu !== undefined && !/^[A-Za-z-]+$/.test(icu)) throw new Error(`not an ICU locale: ${icu}`);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(
          icu === undefined
            ? `CREATE DATABASE ${name}`
            : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${icu}' LOCALE 'C'`,
        );
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown: disconnect clients, no checkpoint wait for them
        await exited;
      }
      process.off('exit', killOnExit);
      remove();
    },
  };
}
