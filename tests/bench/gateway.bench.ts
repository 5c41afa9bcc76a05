// The gateway bench: idle footprint with one pendant and one key safe, outbox
// throughput against a local broker, and alarm path latency, each beside a baseline measured in the
// same run. Not a test: it prints numbers. `BENCH_IDLE_S` shortens the idle window (default 30).
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
import { bundleEntry } from './support/bundle.js';
import { sampleIdle, startEntry, stopEntry } from './support/proc-sample.js';

const clock = new SystemClock();
/** The V8 flags the systemd unit runs the gateway with (gateway/packaging/files/baken-gateway.service). */
const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=1'];
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${fmt(a / b, 2)}×`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function line(name: string, value: string, baselineName: string, baseline: string, r: string): void {
  process.stdout.write(
    `  ${name.padEnd(34)} ${value.padStart(12)}   ${baselineName.padEnd(30)} ${baseline.padStart(12)}   ratio ${r}\n`,
  );
}

async function idle(broker: TestBroker, dir: string): Promise<void> {
  const seconds = Number(process.env['BENCH_IDLE_S'] ?? 30);
  process.stdout.write(
    `\nidle footprint over ${seconds} s (one pendant, one key safe${findProgram('socat') ? ' on a pty' : ': none, socat missing'}; gateway: node ${GATEWAY_NODE_FLAGS.join(' ')}, as the systemd unit)\n`,
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
  // both run as plain node on a bundle, as a production unit runs compiled JavaScript
  const gwJs = await bundleEntry(here('./support/idle-gateway.ts'), 'idle-gateway.mjs');
  const gw = await startEntry(
    gwJs,
    { BENCH_BROKER_URL: broker.url, BENCH_DATA_DIR: dir, ...(pair ? { BENCH_KS_PATH: pair.b } : {}) },
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
    line('gateway RSS (MB)', fmt(g.rssMb), 'bare node RSS (MB)', fmt(b.rssMb), ratio(g.rssMb, b.rssMb));
    line(
      'gateway peak RSS (MB)',
      fmt(g.peakRssMb),
      'bare node peak RSS (MB)',
      fmt(b.peakRssMb),
      ratio(g.peakRssMb, b.peakRssMb),
    );
    line(
      'gateway CPU (% of a core)',
      fmt(g.cpuPercent, 2),
      'bare node CPU (%)',
      fmt(b.cpuPercent, 2),
      ratio(g.cpuPercent, b.cpuPercent),
    );
    process.stdout.write(`  target: RSS under 80 MB → ${g.peakRssMb < 80 ? 'MET' : 'NOT MET'}\n`);
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

async function throughput(broker: TestBroker, dir: string, sub: TestSubscriber): Promise<void> {
  const n = Number(process.env['BENCH_EVENTS'] ?? 2_000);
  process.stdout.write(`\noutbox throughput, ${n} events (insert + publish + app-level ack)\n`);
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
  line(
    'gateway events/s',
    fmt(gwRate, 0),
    'raw sqlite inserts/s',
    fmt(sqliteRate, 0),
    ratio(gwRate, sqliteRate),
  );
  line('', '', 'raw mqtt.js QoS1 publishes/s', fmt(mqttRate, 0), ratio(gwRate, mqttRate));
  void sub;
}

async function latency(broker: TestBroker, dir: string, sub: TestSubscriber): Promise<void> {
  const n = Number(process.env['BENCH_ALARMS'] ?? 200);
  process.stdout.write(
    `\nalarm path latency, ${n} presses (advert received → MQTT publish seen by a subscriber)\n`,
  );
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
    const g = percentile(gwMs, p);
    const r = percentile(rawMs, p);
    line(`gateway p${p} (ms)`, fmt(g, 2), `raw mqtt.js publish p${p} (ms)`, fmt(r, 2), ratio(g, r));
  }
  process.stdout.write(
    `  target: well under 100 ms → ${percentile(gwMs, 99) < 100 ? 'MET' : 'NOT MET'} (p99)\n`,
  );
}

export async function run(): Promise<void> {
  process.stdout.write('== gateway bench ==\n');
  const dir = mkdtempSync(join(tmpdir(), 'baken-bench-'));
  const broker = new TestBroker();
  await broker.start();
  const sub = new TestSubscriber(true);
  await sub.connect(broker.url);
  try {
    await idle(broker, dir);
    await throughput(broker, dir, sub);
    await latency(broker, dir, sub);
  } finally {
    // let the subscriber's last acks go out before it disconnects
    sub.autoAck = false;
    await clock.sleep(300);
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
