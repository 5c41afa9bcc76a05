import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildServer, SERVER_BUNDLE_FILE } from '../../../server/packaging/build-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * How a bench runs the server: `bundle` is the production form (`npm run build:server`, one file
 * on plain node, as the systemd unit starts it); `tsx` compiles the sources at each start, as
 * `npx tsx server/src/main.ts` does (CPU profiles then name the source files).
 * `BENCH_SERVER_FORM=tsx|bundle` overrides the bench's choice.
 */
export type ServerForm = 'bundle' | 'tsx';

const bundles = new Map<string, Promise<string | null>>();

/**
 * The bundle of the checkout at `root` (this one by default), built once per bench run into its
 * `node_modules/.cache/baken-bench/server/` by that checkout's own build; null for a checkout
 * without a server build (an older "before", which then runs under tsx).
 */
function bundleOf(root: string | undefined): Promise<string | null> {
  const key = root ?? ROOT;
  let b = bundles.get(key);
  if (!b) {
    const out = join(key, 'node_modules', '.cache', 'baken-bench', 'server');
    if (root === undefined) b = buildServer(out);
    else if (!existsSync(join(root, 'server', 'packaging', 'build-server.ts'))) b = Promise.resolve(null);
    else
      b = promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', join(root, 'server', 'packaging', 'build-server.ts'), '--out', out],
        { cwd: root },
      ).then(() => join(out, SERVER_BUNDLE_FILE));
    bundles.set(key, b);
  }
  return b;
}

/**
 * The node arguments that start the server of `root` (this checkout by default) in `form`, and
 * the form it really is. Builds the bundle the first time: call it before a timed start.
 */
export async function serverCommand(
  root: string | undefined,
  form: ServerForm,
): Promise<{ args: string[]; form: string }> {
  const env = process.env['BENCH_SERVER_FORM'];
  if (env !== undefined && env !== 'bundle' && env !== 'tsx')
    throw new Error(`BENCH_SERVER_FORM must be bundle or tsx, not ${env}`);
  const wanted = env ?? form;
  const bundle = wanted === 'bundle' ? await bundleOf(root) : null;
  if (bundle) return { args: [bundle], form: 'bundle (npm run build:server, plain node)' };
  const main = join(root ?? ROOT, 'server', 'src', 'main.ts');
  return {
    args: ['--import', 'tsx', main],
    form: wanted === 'bundle' ? 'tsx (that checkout has no server build)' : 'tsx (sources compiled at start)',
  };
}

/**
 * One line saying how this tree's server and the BENCH_BEFORE server run, and whether the two
 * compare like for like: a "before" checkout without a server build runs under tsx, and then the
 * same-run comparison also holds the difference between the forms, not only the change.
 */
export function formsLine(now: string, before?: string): string {
  const kind = (f: string) => f.split(' ')[0];
  if (before === undefined) return `the server runs as ${now}`;
  const line = `the server runs as ${now}; the BENCH_BEFORE server as ${before}`;
  return kind(now) === kind(before)
    ? line
    : `${line} — NOT like for like: the comparison also measures the form (make BENCH_BEFORE a checkout with \`npm run build:server\`, or set BENCH_SERVER_FORM for both)`;
}

/**
 * A free loopback port below the ephemeral range (32768–60999 on Linux): the server restarts on
 * the same ports, and while it is down thousands of reconnecting homes take ephemeral ports as
 * their source ports — one of them on the server's port made its restart fail (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const s = createServer();
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => s.close(() => r()));
      return port;
    }
  }
}

export interface ServerProc {
  proc: ChildProcess;
  pid: number;
  url: string;
  mqttPort: number;
  metricsUrl: string;
  exited: Promise<void>;
  /** How it runs ({@link ServerForm}), for the bench's output. */
  form: string;
}

/** One Prometheus counter of the running server, summed over the series matching `labels`. */
export async function scrapeCounter(s: ServerProc, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${s.metricsUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface ServerOptions {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  metricsPort: number;
  heartbeatIntervalS?: number;
  /** Extra environment (e.g. an external broker's URL). */
  env?: Record<string, string>;
  /** Another checkout whose server to run (a same-run "before", see BENCH_BEFORE). */
  root?: string;
  /** Default `tsx`; see {@link ServerForm}. */
  form?: ServerForm;
}

/**
 * Runs the server as a child process (in `o.form`, {@link ServerForm}) on fixed ports (so a
 * restarted server is found by the same clients). The per-gateway publish limit is lifted: the
 * bench measures what the server holds, not the limit that keeps one home from flooding it.
 * Resolves once the server has printed its URL.
 */
export async function startServerProc(o: ServerOptions): Promise<ServerProc> {
  // BENCH_CPU_PROF=<folder>: the server writes a V8 CPU profile there when it exits (SIGTERM at the
  // end of a bench; a `kill -9` leaves none). Read it with `node tests/bench/support/prof-top.ts`.
  const prof = process.env['BENCH_CPU_PROF'];
  const profArgs = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const how = await serverCommand(o.root, o.form ?? 'tsx');
  const proc = spawn(process.execPath, [...profArgs, ...how.args], {
    ...(o.root ? { cwd: o.root } : {}),
    env: {
      ...process.env,
      BAKEN_DATA_DIR: o.dataDir,
      BAKEN_HTTP_PORT: String(o.httpPort),
      BAKEN_MQTT_PORT: String(o.mqttPort),
      BAKEN_METRICS_PORT: String(o.metricsPort),
      BAKEN_LOG_LEVEL: process.env['BENCH_SERVER_LOG'] ?? 'error',
      BAKEN_HEARTBEAT_INTERVAL_S: String(o.heartbeatIntervalS ?? 60),
      BAKEN_MQTT_PUBLISH_RATE_PER_S: '1000000',
      BAKEN_MQTT_PUBLISH_BURST: '1000000',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Baken server: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
  proc.stdout?.resume();
  const metricsUrl = `http://127.0.0.1:${o.metricsPort}`;
  return { proc, pid: proc.pid as number, url, mqttPort: o.mqttPort, metricsUrl, exited, form: how.form };
}

/** `kill -9`: no shutdown handler runs. */
export async function kill9(s: ServerProc): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
  await s.exited;
}

export async function stopServer(s: ServerProc): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  s.proc.kill('SIGTERM');
  await Promise.race([s.exited, new Promise((r) => setTimeout(r, 10_000))]);
  await kill9(s);
}
