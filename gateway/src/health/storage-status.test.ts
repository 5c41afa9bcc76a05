import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { decodeMqttMessage, type HeartbeatPayload } from '@baken/protocols';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatStatus, readStatus } from '../cli/status.js';
import { parseConfig } from '../config/load-config.js';
import { createGateway, type Gateway } from '../gateway.js';
import { FaultySqlite } from '../testing/faulty-sqlite.js';

const GW = 'home-disk-1';
const dirs: string[] = [];
const gateways: Gateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A gateway whose broker is absent (nothing listens on port 1) and whose SQLite can be failed. */
async function rig(statusPath?: string) {
  const clock = new MockClock();
  const dir = mkdtempSync(join(tmpdir(), 'baken-storage-status-'));
  dirs.push(dir);
  const runtime = join(dir, 'run');
  mkdirSync(runtime);
  const sqlite = new FaultySqlite();
  const config = parseConfig({ dataDir: dir, mqtt: { primaryUrl: 'mqtt://127.0.0.1:1' }, devices: [] });
  const gw = createGateway({
    config,
    credentials: {
      gatewayId: GW,
      server: 'http://x',
      mqtt: { username: 'u', password: 'p' },
      provisionedAt: 0,
    },
    clock,
    logger: pino({ level: 'silent' }),
    softwareVersion: '0.1.0-test',
    openDatabase: sqlite.open,
    ...(statusPath === undefined ? {} : { statusPath }),
    statusFallbackPath: join(runtime, 'status.json'),
  });
  gateways.push(gw);
  await gw.start();
  return { clock, config, gw, sqlite, runtimeStatus: join(runtime, 'status.json') };
}

const alarm = (gw: Gateway, at: number): void =>
  gw.bus.emit('device-event', {
    deviceId: 'p-1',
    deviceKind: 'pendant',
    kind: 'alarm',
    priority: 'alarm',
    deviceTime: null,
    receivedAt: at,
    data: { format: 'baken', rssi: -60, counter: 1 },
  });

/** The newest heartbeat waiting in the outbox, decoded with the topic map. */
function queuedHeartbeat(gw: Gateway): HeartbeatPayload {
  const entry = gw.outbox
    .pendingAfter(0, 100)
    .filter((e) => e.topic === 'heartbeat')
    .at(-1);
  const decoded = decodeMqttMessage(`baken/v1/gw/${GW}/heartbeat`, Buffer.from(entry!.payload));
  if (!decoded.ok || decoded.value.name !== 'heartbeat') throw new Error('not a valid heartbeat');
  return decoded.value.payload;
}
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('storage failure is a health state of the unit', () => {
  it('the heartbeat carries it at once, status() and the status CLI say so with what to do', async () => {
    const t = await rig();
    expect(queuedHeartbeat(t.gw).storage).toMatchObject({ state: 'ok', memoryDepth: 0 });
    t.sqlite.writes = 'SQLITE_FULL';
    alarm(t.gw, t.clock.now());
    await flush(); // the heartbeat for the state change is written after the alarm's insert
    const hb = queuedHeartbeat(t.gw);
    expect(hb.storage).toEqual({ state: 'full', since: t.clock.now(), memoryDepth: 2 });
    expect(t.gw.status().storage).toMatchObject({ state: 'full', code: 'SQLITE_FULL' });
    // degraded, reported, but no reason for the watchdog to restart the unit
    expect(t.gw.health()).toMatchObject({ ok: true, outbox: { storage: { state: 'full' } } });
    t.clock.advance(1_000);
    const text = formatStatus(readStatus(t.config, t.clock, t.runtimeStatus));
    expect(text).toMatch(
      /storage: +DEGRADED: full since .*entries held in memory.*free space on the data disk/,
    );

    t.sqlite.writes = null;
    t.clock.advance(2_000); // the outbox retries the disk by itself
    await flush();
    expect(queuedHeartbeat(t.gw).storage?.state).toBe('ok');
    expect(formatStatus(readStatus(t.config, t.clock, t.runtimeStatus))).toContain('storage:       ok');
  });

  it('an alarm held in memory is announced as committed (pendant ack) only once it is on disk', async () => {
    const t = await rig();
    const committed: string[] = [];
    t.gw.bus.on('event-committed', (e) => committed.push(e.topic));
    t.sqlite.writes = 'SQLITE_READONLY';
    alarm(t.gw, t.clock.now());
    await flush();
    expect(committed).toEqual([]);
    t.sqlite.writes = null;
    t.clock.advance(2_000);
    expect(committed).toContain('events');
  });

  it('a data disk that refuses the status file too: the snapshot goes to the runtime directory', async () => {
    const t = await rig(join('/nonexistent-baken-dir', 'status.json'));
    t.sqlite.writes = 'SQLITE_READONLY';
    alarm(t.gw, t.clock.now());
    await flush();
    const config = { ...t.config, dataDir: '/nonexistent-baken-dir' };
    const text = formatStatus(readStatus(config, t.clock, t.runtimeStatus));
    expect(text).toMatch(/storage: +DEGRADED: read-only .*replace the SD card/);
  });
});
