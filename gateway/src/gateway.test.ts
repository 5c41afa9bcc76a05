import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { connect } from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config/load-config.js';
import type { CommandRequest } from './event-bus.js';
import { createGateway, type Gateway } from './gateway.js';
import { TestBroker, TestSubscriber, until } from './testing/test-broker.js';

const GW = 'gw-home-1';
const PREFIX = `baken/v1/gw/${GW}`;

describe('createGateway (core wired to a real aedes broker)', () => {
  let dir: string;
  let clock: MockClock;
  let broker: TestBroker;
  let sub: TestSubscriber;
  let gw: Gateway;

  const serverPublish = async (suffix: string, payload: unknown, retain = false): Promise<void> => {
    const c = connect(broker.url, { reconnectPeriod: 0 });
    await new Promise<void>((resolve) => c.once('connect', () => resolve()));
    await c.publishAsync(`${PREFIX}/${suffix}`, JSON.stringify(payload), { qos: 1, retain });
    await c.endAsync();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-gw-'));
    clock = new MockClock();
    broker = new TestBroker();
    await broker.start();
    sub = new TestSubscriber(true);
    await sub.connect(broker.url);
    const config = parseConfig({
      dataDir: dir,
      mqtt: { primaryUrl: broker.url },
      devices: [{ id: 'ks-1', kind: 'keysafe', serialPath: '/dev/null' }],
    });
    gw = createGateway({
      config,
      credentials: {
        gatewayId: GW,
        server: 'http://x',
        mqtt: { username: GW, password: 'pw' },
        provisionedAt: 0,
      },
      clock,
      logger: pino({ level: process.env['T7_LOG'] ?? 'silent' }),
      softwareVersion: '0.1.0-test',
    });
    const connected = once(gw.uplink, 'connected');
    await gw.start();
    await connected;
  });
  afterEach(async () => {
    await gw.stop();
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('persists a bus alarm, publishes the envelope and drops it on the server ack', async () => {
    gw.bus.emit('device-event', {
      deviceId: 'p-1',
      deviceKind: 'pendant',
      kind: 'alarm',
      priority: 'alarm',
      deviceTime: null,
      receivedAt: clock.now(),
      seq: 7,
      data: { format: 'baken', rssi: -60, counter: 7 },
    });
    expect(gw.outbox.depth()).toBeGreaterThanOrEqual(1); // stored synchronously, before publish
    await until(() => sub.received('events').length === 1, 'event');
    expect(sub.received('events')[0]?.payload).toMatchObject({
      v: 1,
      gatewayId: GW,
      deviceId: 'p-1',
      kind: 'alarm',
      priority: 'alarm',
      seq: 7,
      data: { format: 'baken', rssi: -60, counter: 7 },
    });
    await until(() => gw.outbox.depth() === 0, 'acked and heartbeat released');
  });

  it('sends a heartbeat at start and every interval, and follows the server config interval', async () => {
    await until(() => sub.received('heartbeat').length === 1, 'first heartbeat');
    expect(sub.received('heartbeat')[0]?.payload).toMatchObject({
      v: 1,
      gatewayId: GW,
      software: '0.1.0-test',
      intervalS: 60,
      mains: 'unknown',
      devices: [{ deviceId: 'ks-1', kind: 'keysafe', link: 'unknown', lastSeen: null }],
      outbox: { depth: expect.any(Number) },
      scan: { running: false, restarts: 0 },
    });
    clock.advance(60_000);
    await until(() => sub.received('heartbeat').length === 2, 'second heartbeat');
    const config = {
      v: 1,
      revision: 3,
      issuedAt: clock.now(),
      heartbeatIntervalS: 10,
      pendants: [],
      keysafes: [],
    };
    await serverPublish('config', config, true);
    await until(() => gw.heartbeat.intervalMs === 10_000, 'interval applied');
    // the new interval is announced at once, so the server's silence thresholds follow it
    await until(() => sub.received('heartbeat').length === 3, 'third heartbeat, without waiting');
    expect(sub.received('heartbeat')[2]?.payload).toMatchObject({ intervalS: 10 });
    clock.advance(10_000);
    await until(() => sub.received('heartbeat').length === 4, 'fourth heartbeat after the new interval');
    await until(() => gw.outbox.depth() === 0, 'heartbeats released on PUBACK');
    // an older revision (re-delivered retained or out of order) changes nothing
    await serverPublish('config', { ...config, revision: 2, heartbeatIntervalS: 30 });
    await serverPublish('config', { ...config, revision: 4, heartbeatIntervalS: 20 });
    await until(() => gw.heartbeat.intervalMs === 20_000, 'newer revision applied');
  });

  it('registers devices listed in the server config', async () => {
    await serverPublish('config', {
      v: 1,
      revision: 1,
      issuedAt: clock.now(),
      heartbeatIntervalS: 60,
      pendants: [{ deviceId: 'pendant-9', address: 'AA:BB:CC:DD:EE:FF', format: 'baken' }],
      keysafes: [],
    });
    await until(() => gw.devices.has('pendant-9'), 'pendant registered');
    expect(gw.devices.get('pendant-9')).toMatchObject({ kind: 'pendant', link: 'unknown' });
  });

  it('rejects and counts an invalid inbound message', async () => {
    await serverPublish('ack', { v: 1, ids: ['short'] });
    await serverPublish('cmd/req', { v: 2, transaction: 't' });
    await until(() => gw.uplink.rejectedInbound === 2, 'two rejected');
  });

  it('relays a command for a known device and answers with the same transaction', async () => {
    const seen: CommandRequest[] = [];
    gw.bus.on('command', (req) => {
      seen.push(req);
      gw.bus.emit('command-result', { transaction: req.transaction, status: 'ok', responseHex: 'beef' });
    });
    const req = {
      v: 1,
      transaction: 't-1',
      deviceId: 'ks-1',
      kind: 'keysafe_frame',
      expiresAt: clock.now() + 30_000,
      frameHex: 'a1b2',
    };
    await serverPublish('cmd/req', req);
    await until(() => sub.received('cmd/res').length === 1, 'cmd/res');
    expect(seen).toEqual([
      {
        transaction: 't-1',
        deviceId: 'ks-1',
        kind: 'keysafe_frame',
        expiresAt: req.expiresAt,
        frameHex: 'a1b2',
      },
    ]);
    expect(sub.received('cmd/res')[0]?.payload).toMatchObject({
      v: 1,
      transaction: 't-1',
      status: 'ok',
      responseHex: 'beef',
    });
  });

  it('refuses unknown devices and unsupported kinds, times out expired and unanswered commands', async () => {
    const relayed: string[] = [];
    gw.bus.on('command', (req) => relayed.push(req.transaction));
    const cmd = (transaction: string, deviceId: string, expiresIn: number, kind = 'keysafe_frame') =>
      serverPublish('cmd/req', {
        v: 1,
        transaction,
        deviceId,
        kind,
        expiresAt: clock.now() + expiresIn,
        frameHex: '00ff',
      });
    await cmd('u', 'nope', 10_000);
    await cmd('x', 'ks-1', -1);
    await cmd('k', GW, 10_000, 'status');
    await cmd('s', 'ks-1', 5_000);
    await until(
      () => sub.received('cmd/res').length === 3 && relayed.length === 1,
      'three answers, one relayed',
    );
    const byTx = Object.fromEntries(
      sub.received('cmd/res').map((m) => [m.payload['transaction'], m.payload]),
    );
    expect(byTx['u']).toMatchObject({ status: 'refused', reason: 'unknown_device' });
    expect(byTx['x']).toMatchObject({ status: 'timeout', reason: 'expired' });
    expect(byTx['k']).toMatchObject({ status: 'refused', reason: 'not_supported' });
    expect(relayed).toEqual(['s']);
    clock.advance(5_000);
    await until(() => sub.received('cmd/res').length === 4, 'timeout response');
    expect(sub.received('cmd/res')[3]?.payload).toMatchObject({ transaction: 's', status: 'timeout' });
  });

  it('publishes retained offline on a clean stop', async () => {
    await until(() => sub.received('availability').length >= 1, 'online');
    await gw.stop();
    await until(() => sub.received('availability').at(-1)?.payload['state'] === 'offline', 'offline');
    expect(sub.received('availability').at(-1)?.retain).toBe(false); // live delivery; retained on the broker
    const late = new TestSubscriber(false);
    await late.connect(broker.url, [`${PREFIX}/availability`]);
    await until(() => late.messages.length === 1, 'retained offline');
    expect(late.messages[0]).toMatchObject({ retain: true, payload: { state: 'offline' } });
    await late.close();
  });

  it('shows in its status why the broker cannot be reached, until it can again', async () => {
    expect(gw.status().uplink).toMatchObject({ connected: true, lastFailure: null });
    const down = once(gw.uplink, 'disconnected');
    await broker.stop();
    await down;
    const failed = once(gw.uplink, 'attempt-failed');
    await clock.advanceAsync(60_000);
    await failed;
    expect(gw.status().uplink).toMatchObject({ connected: false, path: 'primary' });
    expect(gw.status().uplink.lastFailure?.reason).toMatch(/ECONNREFUSED/);
    await broker.start();
    const back = once(gw.uplink, 'connected');
    await clock.advanceAsync(120_000);
    await back;
    expect(gw.status().uplink.lastFailure).toBeNull();
  });
});
