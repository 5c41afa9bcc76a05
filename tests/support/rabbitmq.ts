import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findProgram } from '@baken/hardware/testing/external-program';
import { RABBITMQ_ENABLED_PLUGINS, rabbitmqConfText } from '@baken/server/broker/rabbitmq/rabbitmq-config';

/**
 * Throwaway RabbitMQ nodes (Debian's `rabbitmq-server` with its MQTT and management plugins) for
 * tests: every node has its own temporary directory (Mnesia, logs, config, plugins file), a unique
 * node name, free loopback ports, and the test's own `epmd` on a free port with a fresh Erlang
 * cookie (in a temporary HOME), so nothing touches a system RabbitMQ or another test's nodes.
 * `stop()` ends the processes this file started (by process group) and removes the directories.
 * Boot takes a few seconds: share one node (or cluster) per test file.
 */

const run = promisify(execFile);

/** The directory holding the real `rabbitmq-server` and `rabbitmqctl` (not Debian's su wrapper). */
export function rabbitmqBinDir(): string | undefined {
  const onPath =
    findProgram('rabbitmq-server') ??
    (existsSync('/usr/sbin/rabbitmq-server') ? '/usr/sbin/rabbitmq-server' : undefined);
  if (!onPath) return undefined;
  // Debian: /usr/sbin/rabbitmq-server → /usr/lib/rabbitmq/bin/rabbitmq-script-wrapper, which
  // switches to the `rabbitmq` user; its directory holds the scripts themselves.
  return dirname(realpathSync(onPath));
}

/** Gate like `needProgram`: false (skip) when RabbitMQ or epmd is missing, but throws under CI=true. */
export function needRabbitmq(): boolean {
  if (rabbitmqBinDir() && findProgram('epmd')) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(
      "BAKEN_ERR_TEST_PROGRAM_MISSING: 'rabbitmq-server' (Debian package rabbitmq-server) is required under CI=true; .ci/run installs it",
    );
  }
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export const RABBIT_ADMIN = { username: 'baken-admin', password: randomBytes(12).toString('hex') };

export interface RabbitNode {
  /** Erlang node name, `baken-<random>@localhost`. */
  name: string;
  amqpUrl: string;
  mqttUrl: string;
  managementUrl: string;
  mqttPort: number;
  dir: string;
  /** Runs `rabbitmqctl` against this node. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node gracefully and waits for it. */
  stop(): Promise<void>;
  /** SIGKILL to the node's whole process group: a machine that died. */
  kill(): Promise<void>;
  /** Resolves when the node's AMQP, MQTT and management listeners accept connections. */
  ready(): Promise<void>;
  readonly alive: boolean;
}

const nodeName = (id: string) => `baken-${id}@localhost`;

interface Shared {
  bin: string;
  root: string;
  home: string;
  epmdPort: number;
}

/** One epmd and one cookie for every node of a cluster (and for rabbitmqctl). */
async function startShared(): Promise<Shared & { epmd: ChildProcess }> {
  const bin = rabbitmqBinDir();
  if (!bin) throw new Error('rabbitmq-server not found');
  const root = mkdtempSync(join(tmpdir(), 'baken-rabbitmq-'));
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.erlang.cookie'), randomBytes(24).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  const epmdPort = await freePort();
  const epmdBin = findProgram('epmd') ?? 'epmd';
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const [cmd, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', epmdBin, '-port', String(epmdPort)]]
    : [epmdBin, ['-port', String(epmdPort)]];
  const epmd = spawn(cmd, args, { stdio: 'ignore', detached: true });
  for (let i = 0; i < 200 && !(await portOpen(epmdPort)); i++) await new Promise((r) => setTimeout(r, 25));
  return { bin, root, home, epmdPort, epmd };
}

function nodeEnv(s: Shared, dir: string, name: string, distPort: number): NodeJS.ProcessEnv {
  return {
    PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/usr/bin`,
    HOME: s.home,
    LANG: 'C.UTF-8',
    ERL_EPMD_PORT: String(s.epmdPort),
    RABBITMQ_NODENAME: name,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: join(dir, 'log', 'node.log'),
    RABBITMQ_PID_FILE: join(dir, 'node.pid'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_DIST_PORT: String(distPort),
    // Two cores shared by many test processes: no scheduler busy-waiting, few async threads.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+sbwt none +sbwtdcpu none +sbwtdio none +A 8',
  };
}

/** A free port picked here can be taken by another process before the node binds it: try again. */
async function startNode(
  s: Shared,
  id: string,
  peers: readonly string[],
  opts: { log?: (line: string) => void } = {},
): Promise<RabbitNode> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNodeOnce(s, id, peers, opts);
    } catch (err) {
      const portTaken = /\(port taken\)/.test(String(err));
      if (!portTaken || attempt >= 3) throw err;
      rmSync(join(s.root, id), { recursive: true, force: true });
    }
  }
}

async function startNodeOnce(
  s: Shared,
  id: string,
  peers: readonly string[],
  opts: { log?: (line: string) => void },
): Promise<RabbitNode> {
  const name = nodeName(id);
  const dir = join(s.root, id);
  mkdirSync(join(dir, 'log'), { recursive: true });
  const [amqp, mqtt, mgmt, dist] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    rabbitmqConfText({
      amqpListener: { port: amqp, host: '127.0.0.1' },
      mqttListener: { port: mqtt, host: '127.0.0.1' },
      managementListener: { port: mgmt, host: '127.0.0.1' },
      extra: [
        `default_user = ${RABBIT_ADMIN.username}`,
        `default_pass = ${RABBIT_ADMIN.password}`,
        'default_user_tags.administrator = true',
        'default_permissions.configure = .*',
        'default_permissions.read = .*',
        'default_permissions.write = .*',
        // Tests connect from loopback only; the disk check would refuse a nearly full temp dir.
        'disk_free_limit.absolute = 10MB',
        // A cluster forms at boot: later nodes find the first one running and join it.
        ...(peers.length > 1
          ? [
              'cluster_formation.peer_discovery_backend = classic_config',
              ...peers.map((p, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${p}`),
              'cluster_formation.randomized_startup_delay_range.min = 0',
              'cluster_formation.randomized_startup_delay_range.max = 1',
            ]
          : []),
      ],
    }),
  );
  writeFileSync(join(dir, 'enabled_plugins'), RABBITMQ_ENABLED_PLUGINS);
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  const env = nodeEnv(s, dir, name, dist);
  // With util-linux's setpriv the node dies with the test process even when that is killed with
  // -9. NOTIFY_SOCKET makes the start script exec the VM instead of forking it (as under systemd),
  // so the parent-death signal reaches the VM itself; nothing listens on that socket.
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const server = join(s.bin, 'rabbitmq-server');
  const [cmd, args] = setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', server]] : [server, []];
  const child = spawn(cmd, args, {
    env: { ...env, NOTIFY_SOCKET: join(dir, 'notify.sock') },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-8000);
    opts.log?.(b.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ctl = async (...args: string[]) => {
    const { stdout } = await run(join(s.bin, 'rabbitmqctl'), ['-n', name, ...args], {
      env,
      cwd: dir,
      timeout: 60_000,
    });
    return stdout;
  };
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const node: RabbitNode = {
    name,
    amqpUrl: `amqp://${RABBIT_ADMIN.username}:${RABBIT_ADMIN.password}@127.0.0.1:${amqp}`,
    mqttUrl: `mqtt://127.0.0.1:${mqtt}`,
    managementUrl: `http://127.0.0.1:${mgmt}`,
    mqttPort: mqtt,
    dir,
    ctl,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    async stop() {
      if (!node.alive) return;
      killGroup('SIGTERM');
      const t = setTimeout(() => killGroup('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
      killGroup('SIGKILL');
    },
    async kill() {
      killGroup('SIGKILL');
      await exited;
    },
    ready: async () => {},
  };
  node.ready = async () => {
    // Ready when AMQP, MQTT and the management API all listen (the last plugin to start).
    for (let i = 0; ; i++) {
      if (!node.alive) {
        await exited;
        let log = '';
        try {
          log = readFileSync(join(dir, 'log', 'node.log'), 'utf8');
        } catch {
          // no log yet
        }
        const taken = /already_used|eaddrinuse|could not bind/i.test(`${out}${log}`);
        throw new Error(
          `rabbitmq-server exited early${taken ? ' (port taken)' : ''}: ${out.slice(-2000)}\n${log.slice(-2000)}`,
        );
      }
      if ((await portOpen(amqp)) && (await portOpen(mqtt)) && (await portOpen(mgmt))) return;
      if (i > 1200) {
        await node.kill();
        throw new Error(`rabbitmq-server did not start within 120 s: ${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await node.ready();
  return node;
}

export interface RabbitCluster {
  nodes: RabbitNode[];
  /** Stops every node and epmd, and removes the temporary directories. */
  stop(): Promise<void>;
}

/**
 * Starts `size` nodes that form one cluster at boot (classic peer discovery: the first boots
 * alone, the others find it and join). A quorum queue or the MQTT plugin's client-id registry keeps working
 * after losing a node only while a majority is left: a cluster that must survive one node's death
 * has three nodes.
 */
export async function startRabbitCluster(
  size = 1,
  opts: { log?: (line: string) => void } = {},
): Promise<RabbitCluster> {
  const shared = await startShared();
  const nodes: RabbitNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    try {
      if (shared.epmd.pid) process.kill(-shared.epmd.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(shared.root, { recursive: true, force: true });
  };
  try {
    const ids = Array.from({ length: size }, () => randomBytes(4).toString('hex'));
    const peers = ids.map(nodeName);
    // The first node boots alone; the others boot together and join it (classic peer discovery).
    nodes.push(await startNode(shared, ids[0]!, peers, opts));
    nodes.push(...(await Promise.all(ids.slice(1).map((id) => startNode(shared, id, peers, opts)))));
    if (size > 1) await nodes[0]!.ctl('await_online_nodes', String(size));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}
