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
      logger: pino({ level: 'silent' }),
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
      data: { button: 1 },
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
      data: { button: 1 },
    });
    await until(() => gw.outbox.depth() === 0, 'acked and heartbeat released');
  });

  it('sends a heartbeat at start and every interval, and follows the server config interval', async () => {
    await until(() => sub.received('heartbeat').length === 1, 'first heartbeat');
    expect(sub.received('heartbeat')[0]?.payload).toMatchObject({
      v: 1,
      gatewayId: GW,
      software: '0.1.0-test',
      intervalMs: 60_000,
      devices: [{ deviceId: 'ks-1', kind: 'keysafe', link: 'unknown' }],
      outbox: { depth: expect.any(Number) },
    });
    clock.advance(60_000);
    await until(() => sub.received('heartbeat').length === 2, 'second heartbeat');
    const serverTime = clock.now() + 1_500;
    await serverPublish('config', { v: 1, heartbeatIntervalMs: 10_000, serverTime }, true);
    await until(() => gw.heartbeat.intervalMs === 10_000, 'interval applied');
    clock.advance(10_000);
    await until(() => sub.received('heartbeat').length === 3, 'third heartbeat');
    expect(sub.received('heartbeat')[2]?.payload).toMatchObject({ intervalMs: 10_000, clockOffsetMs: 1_500 });
    await until(() => gw.outbox.depth() === 0, 'heartbeats released on PUBACK');
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
      kind: 'open',
      expiresAt: clock.now() + 30_000,
      frameHex: 'a1b2',
    };
    await serverPublish('cmd/req', req);
    await until(() => sub.received('cmd/res').length === 1, 'cmd/res');
    expect(seen).toEqual([
      { transaction: 't-1', deviceId: 'ks-1', kind: 'open', expiresAt: req.expiresAt, frameHex: 'a1b2' },
    ]);
    expect(sub.received('cmd/res')[0]?.payload).toMatchObject({
      v: 1,
      transaction: 't-1',
      status: 'ok',
      responseHex: 'beef',
    });
  });

  it('refuses unknown devices and expired commands, and times out unanswered ones', async () => {
    const relayed: string[] = [];
    gw.bus.on('command', (req) => relayed.push(req.transaction));
    await serverPublish('cmd/req', {
      v: 1,
      transaction: 'u',
      deviceId: 'nope',
      kind: 'open',
      expiresAt: clock.now() + 1e4,
    });
    await serverPublish('cmd/req', {
      v: 1,
      transaction: 'x',
      deviceId: 'ks-1',
      kind: 'open',
      expiresAt: clock.now() - 1,
    });
    await serverPublish('cmd/req', {
      v: 1,
      transaction: 's',
      deviceId: 'ks-1',
      kind: 'open',
      expiresAt: clock.now() + 5_000,
    });
    await until(
      () => sub.received('cmd/res').length === 2 && relayed.length === 1,
      'two refusals, one relayed',
    );
    const byTx = Object.fromEntries(
      sub.received('cmd/res').map((m) => [m.payload['transaction'], m.payload]),
    );
    expect(byTx['u']).toMatchObject({ status: 'refused', reason: 'unknown-device' });
    expect(byTx['x']).toMatchObject({ status: 'refused', reason: 'expired' });
    expect(relayed).toEqual(['s']);
    clock.advance(5_000);
    await until(() => sub.received('cmd/res').length === 3, 'timeout response');
    expect(sub.received('cmd/res')[2]?.payload).toMatchObject({ transaction: 's', status: 'timeout' });
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
});
