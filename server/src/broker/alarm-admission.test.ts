import { connect, type Socket } from 'node:net';
import { topicFor } from '@baken/protocols';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MachineCredentials } from '../auth/machine-credentials.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { openDatabase } from '../store/database.js';
import { createSqliteRepositories } from '../store/sqlite/index.js';
import { MAX_ALARM_HOLD_MS } from './alarm-gate.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.js';
import { EmbeddedUplink } from './embedded-uplink.js';

// An alarm's app ack goes before the next slice of held units (broker README, "Start under a
// reconnect storm"). Real aedes, a real unit over TCP; the turns of the event loop are the test's.

const GW = 'gw-alarm-01';
const log = createLogger('silent');
let clock: ManualClock;
let broker: EmbeddedBroker;
let unit: MqttClient;
let held: Socket;

const turn = () => new Promise((r) => setImmediate(r));
async function turnsUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await turn();
  expect(ok()).toBe(true);
}
const alarm = JSON.stringify({ v: 1, id: 'e-1', kind: 'alarm', priority: 'alarm', deviceKind: 'pendant' });

beforeEach(async () => {
  clock = new ManualClock();
  const credentials = new MachineCredentials(Buffer.alloc(32, 7));
  const repos = createSqliteRepositories(openDatabase(':memory:'));
  await repos.gateways.create({
    id: GW,
    homeId: null,
    serial: null,
    createdAt: 0,
    revokedAt: null,
    mqttPasswordHash: credentials.hash('a-gateway-secret'),
  });
  const metrics = createMetrics();
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    gateways: repos.gateways,
    credentials,
    metrics,
    logger: log,
    clock,
  });
  // The unit that presses comes in through the listener that is open from the start, so that
  // another unit can wait in the held queue meanwhile (as in a storm, after the admission began).
  unit = await mqtt.connectAsync(broker.internalUrl, {
    clientId: GW,
    username: GW,
    password: 'a-gateway-secret',
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await unit.subscribeAsync(topicFor('ack', GW), { qos: 1 });
  held = connect(broker.port, '127.0.0.1');
  held.on('error', () => undefined);
  await turnsUntil(() => broker.waiting() === 1);
  // the alarm is read (its PUBACK is back) while a unit is held
  await unit.publishAsync(topicFor('events', GW), alarm, { qos: 1 });
});
afterEach(async () => {
  held.destroy();
  unit.end(true);
  await broker.close();
});

describe('an alarm read while units are held', () => {
  it('holds their admission until its app ack is written to the unit', async () => {
    broker.admit();
    for (let i = 0; i < 5; i++) await turn();
    expect(broker.waiting()).toBe(1);
    const ack = new Promise<void>((r) => unit.once('message', () => r()));
    await new EmbeddedUplink(broker.aedes, createMetrics(), log).publish(topicFor('ack', GW), '{"v":1}');
    await turnsUntil(() => broker.waiting() === 0);
    await ack;
  });

  it('holds them no longer than MAX_ALARM_HOLD_MS when no ack comes', async () => {
    broker.admit();
    for (let i = 0; i < 5; i++) await turn();
    expect(broker.waiting()).toBe(1);
    clock.advance(MAX_ALARM_HOLD_MS + 1);
    await turnsUntil(() => broker.waiting() === 0);
  });
});
