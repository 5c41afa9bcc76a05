// The gateway bench: idle footprint with one pendant and one key safe, the same process in a burst
// (CPU, peak RSS, outbox rate), outbox throughput against a local broker, and alarm path latency,
// each beside a baseline measured in the same run. `BENCH_IDLE_S` sets the idle window (default 30,
// 8 with --quick).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import { MockBleScanner, openPtyPair, SerialPortLink, SystemClock } from '@baken/hardware';
import { findProgram } from '@baken/hardware/testing/external-program';
import { encodeBakenAdvert } from '@baken/protocols';
import Database from 'better-sqlite3';
import { connect } from 'mqtt';
import { pino } from 'pino';
import { GATEWAY_BUNDLE_OPTIONS } from '../../gateway/packaging/bundle-options.js';
import { bundleEntry } from './support/bundle.js';
import type { BenchContext } from './support/figures.js';
import { percentile } from './support/figures.js';
import { cpuMeter, rssMb, sampleIdle, startEntry, stopEntry } from './support/proc-sample.js';

const clock = new SystemClock();
/** The V8 flags and environment the unit's launcher runs the gateway with (packaging/files/baken-gateway-launch). */
const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=1'];
const GATEWAY_ENV = { MALLOC_ARENA_MAX: '2' };
const MB = 1024 * 1024;

/** The gateway child's `process.memoryUsage()`, in MB: where its RSS goes (V8 heap, outside it). */
async function memSplit(gw: ChildProcess): Promise<string> {
  const u = await new Promise<NodeJS.MemoryUsage>((resolve) => {
    const onData = (c: Buffer) => {
      const m = /mem (\{.*\})/.exec(c.toString());
      if (!m) return;
      gw.stdout?.off('data', onData);
      resolve(JSON.parse(m[1] as string) as NodeJS.MemoryUsage);
    };
    gw.stdout?.on('data', onData);
    gw.stdin?.write('mem\n');
  });
  const f = (n: number) => (n / MB).toFixed(1);
  return `V8 heap ${f(u.heapUsed)} used of ${f(u.heapTotal)}, external ${f(u.external)} (array buffers ${f(u.arrayBuffers)}), rest of RSS ${f(u.rss - u.heapTotal - u.external)} (code, native modules, malloc)`;
}
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const G = 'gateway';

/** Sends `burst <n>` to the gateway child; samples its CPU and peak RSS until it reports all acked. */
async function burst(gw: ChildProcess, n: number): Promise<{ cpu: number; peakMb: number; ms: number }> {
  const pid = gw.pid as number;
  const cpu = cpuMeter(pid);
  let peakMb = rssMb(pid);
  const poll = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(pid));
  }, 50);
  const ms = await new Promise<number>((resolve) => {
    const onData = (c: Buffer) => {
      const m = /burst ([\d.]+)/.exec(c.toString());
      if (!m) return;
      gw.stdout?.off('data', onData);
      resolve(Number(m[1]));
    };
    gw.stdout?.on('data', onData);
    gw.stdin?.write(`burst ${n}\n`);
  });
  clearInterval(poll);
  return { cpu: cpu(), peakMb, ms };
}

async function idle(ctx: BenchContext, broker: TestBroker, dir: string): Promise<void> {
  const seconds = Number(process.env['BENCH_IDLE_S'] ?? (ctx.quick ? 5 : 30));
  ctx.log(
    `idle footprint over ${seconds} s (one pendant, one key safe${findProgram('socat') ? ' on a pty' : ': none, socat missing'}; gateway: MALLOC_ARENA_MAX=2 node ${GATEWAY_NODE_FLAGS.join(' ')}, as the unit's launcher)\n`,
  );
  const pair = findProgram('socat') ? await openPtyPair() : undefined;
  let safeLink: SerialPortLink | undefined;
  if (pair) {
    safeLink = new SerialPortLink({ path: pair.a, baudRate: 115_200 });
    await safeLink.open();
    const safe = new KeySafe({
      serial: 'KS-BENCH-0001',
      key: new Uint8Array(32),
      clock,
      nv: new MemoryNvStore(),
    });
    attachSerial(safe, safeLink);
    safe.powerOn();
  }
  // run as plain node on a bundle made with the shipped gateway's bundle options, as on the unit
  const gwJs = await bundleEntry(
    here('./support/idle-gateway.ts'),
    'idle-gateway.mjs',
    GATEWAY_BUNDLE_OPTIONS,
  );
  const gw = await startEntry(
    gwJs,
    {
      ...GATEWAY_ENV,
      BENCH_BROKER_URL: broker.url,
      BENCH_DATA_DIR: dir,
      ...(pair ? { BENCH_KS_PATH: pair.b } : {}),
    },
    undefined,
    GATEWAY_NODE_FLAGS,
  );
  const bare = await startEntry(
    '-e',
    {},
    "setInterval(() => {}, 60000); process.stdout.write('ready\\n'); process.on('SIGTERM', () => process.exit(0));",
  );
  try {
    const [g, b] = await Promise.all([
      sampleIdle(gw.pid as number, clock, seconds, 3),
      sampleIdle(bare.pid as number, clock, seconds, 3),
    ]);
    const rssGoal = { op: '<=', target: 80, text: '< 80 MB' } as const;
    const bareRss = { name: 'bare node RSS', value: b.rssMb };
    ctx.report.add({
      group: G,
      name: 'RSS idle',
      value: g.rssMb,
      unit: 'MB',
      baseline: bareRss,
      goal: rssGoal,
      note: await memSplit(gw),
    });
    ctx.report.add({
      group: G,
      name: 'peak RSS idle',
      value: g.peakRssMb,
      unit: 'MB',
      baseline: bareRss,
      goal: rssGoal,
    });
    ctx.report.add({
      group: G,
      name: 'CPU idle',
      value: g.cpuPercent,
      unit: '% core',
      baseline: { name: 'bare node CPU', value: b.cpuPercent },
    });
    const n = ctx.quick ? 500 : 2_000;
    const u = await burst(gw, n);
    ctx.report.add({
      group: G,
      name: `peak RSS in a burst of ${n} events`,
      value: u.peakMb,
      unit: 'MB',
      baseline: bareRss,
      goal: rssGoal,
      note: `right after the burst: ${await memSplit(gw)}`,
    });
    ctx.report.add({ group: G, name: `CPU in a burst of ${n} events`, value: u.cpu, unit: '% core' });
    // on a shared machine the burst's wall time varies with the load; CPU time per event does not
    ctx.report.add({
      group: G,
      name: 'CPU per event in the burst',
      value: (u.cpu * 10 * u.ms) / 1000 / n,
      unit: 'ms',
    });
    ctx.report.add({
      group: G,
      name: 'outbox rate in the burst (stored → acked)',
      value: (n * 1000) / u.ms,
      unit: '/s',
    });
  } finally {
    await stopEntry(gw);
    await stopEntry(bare);
    await safeLink?.close();
    await pair?.close();
  }
}

function newGateway(broker: TestBroker, dir: string, scanner: MockBleScanner): Gateway {
  mkdirSync(dir, { recursive: true });
  return createGateway({
    config: parseConfig({ dataDir: dir, mqtt: { primaryUrl: broker.url }, outbox: { windowSize: 500 } }),
    credentials: {
      gatewayId: 'home-bench-2',
      server: 'http://x',
      mqtt: { username: 'b', password: 'pw' },
      provisionedAt: 0,
    },
    clock,
    logger: pino({ level: 'silent' }),
    softwareVersion: '0.1.0-bench',
    transports: { openBleScanner: () => scanner },
  });
}

async function throughput(ctx: BenchContext, broker: TestBroker, dir: string): Promise<void> {
  const n = Number(process.env['BENCH_EVENTS'] ?? 2_000);
  ctx.log(`outbox throughput, ${n} events (insert + publish + app-level ack)`);
  const gw = newGateway(broker, join(dir, 'tp'), new MockBleScanner({ clock }));
  await gw.start();
  await until(() => gw.uplink.connected, 'connected');
  const t0 = clock.monotonic();
  for (let i = 0; i < n; i++) {
    gw.bus.emit('device-event', {
      deviceId: 'pendant-bench',
      deviceKind: 'pendant',
      kind: 'test',
      priority: 'normal',
      deviceTime: null,
      receivedAt: clock.now(),
      data: { format: 'baken', counter: i },
    });
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await until(() => gw.outbox.depth() === 0, 'all acked');
  const gwRate = n / ((clock.monotonic() - t0) / 1000);
  await gw.stop();

  // baseline 1: the same SQLite settings (WAL, synchronous=FULL), one insert per transaction
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  const ins = db.prepare('INSERT INTO t (payload) VALUES (?)');
  const payload = 'x'.repeat(300);
  const s0 = clock.monotonic();
  for (let i = 0; i < n; i++) ins.run(payload);
  const sqliteRate = n / ((clock.monotonic() - s0) / 1000);
  db.close();

  // baseline 2: mqtt.js QoS 1 publishes to the same broker, all in flight at once
  const c = connect(broker.url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve) => c.once('connect', () => resolve()));
  const m0 = clock.monotonic();
  await Promise.all(
    Array.from({ length: n }, (_, i) => c.publishAsync('bench/raw', `${payload}${i}`, { qos: 1 })),
  );
  const mqttRate = n / ((clock.monotonic() - m0) / 1000);
  await c.endAsync();
  ctx.report.add({
    group: G,
    name: 'outbox events/s (in-process, insert + publish + app ack)',
    value: gwRate,
    unit: '/s',
    baseline: { name: 'raw sqlite inserts/s', value: sqliteRate },
    note: `raw mqtt.js QoS 1 publishes: ${Math.round(mqttRate)}/s in the same run`,
  });
}

async function latency(
  ctx: BenchContext,
  broker: TestBroker,
  dir: string,
  sub: TestSubscriber,
): Promise<void> {
  const n = Number(process.env['BENCH_ALARMS'] ?? (ctx.quick ? 50 : 200));
  ctx.log(`alarm path latency, ${n} presses (advert received → MQTT publish seen by a subscriber)`);
  const scanner = new MockBleScanner({ clock });
  const gw = newGateway(broker, join(dir, 'lat'), scanner);
  await gw.start();
  const address = 'B4:CA:0E:00:00:55';
  const keyHex = '0f0e0d0c0b0a09080706050403020100';
  gw.bus.emit('server-config', {
    revision: 1,
    issuedAt: clock.now(),
    heartbeatIntervalS: 60,
    pendants: [{ deviceId: 'pendant-lat', address, format: 'baken', keyHex }],
    keysafes: [],
  });
  await until(() => gw.uplink.connected, 'connected');
  const key = Uint8Array.from(Buffer.from(keyHex, 'hex'));
  const gwMs: number[] = [];
  for (let counter = 1; counter <= n; counter++) {
    const advert = encodeBakenAdvert({ deviceId: 'b4ca0e000055', event: 'alarm', battery: 90, counter }, key);
    if (!advert.ok) throw advert.error;
    const seen = sub.received('events').length;
    const t0 = clock.monotonic();
    scanner.emitAdvert({ address, rssi: -60, serviceData: { fcb1: advert.value } });
    await until(() => sub.received('events').length > seen, 'alarm seen');
    gwMs.push(clock.monotonic() - t0);
  }
  await gw.stop();

  const c = connect(broker.url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve) => c.once('connect', () => resolve()));
  const rawMs: number[] = [];
  const rawTopic = 'baken/v1/gw/home-bench-raw/heartbeat';
  const rawSeen = (): number => sub.messages.filter((m) => m.topic === rawTopic).length;
  for (let i = 0; i < n; i++) {
    const seen = rawSeen();
    const t0 = clock.monotonic();
    await c.publishAsync(rawTopic, JSON.stringify({ i }), { qos: 1 });
    await until(() => rawSeen() > seen, 'raw seen');
    rawMs.push(clock.monotonic() - t0);
  }
  await c.endAsync();
  for (const p of [50, 99]) {
    ctx.report.add({
      group: G,
      name: `advert → MQTT publish seen, p${p}`,
      value: percentile(gwMs, p),
      unit: 'ms',
      baseline: { name: `raw mqtt.js publish p${p}`, value: percentile(rawMs, p) },
      ...(p === 99 ? { goal: { op: '<=', target: 100, text: '< 100 ms' } as const } : {}),
    });
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baken-bench-'));
  const broker = new TestBroker();
  await broker.start();
  const sub = new TestSubscriber(true);
  await sub.connect(broker.url);
  try {
    await idle(ctx, broker, dir);
    await throughput(ctx, broker, dir);
    await latency(ctx, broker, dir, sub);
  } finally {
    // let the subscriber's last acks go out before it disconnects
    sub.autoAck = false;
    await clock.sleep(300);
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
