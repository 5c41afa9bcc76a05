import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '../bench/support/generator.js';
import { ChaosRegion, pressAlarms, until } from './support/chaos-region.js';

const HOMES = 60;
const GATEWAYS = 2;
const ALARMS = 50;

/**
 * A reconnect storm: sixty home units (lean MQTT clients in two processes, reconnecting with
 * the gateway's back-off) and two real gateways all come back at once after `kill -9` of the
 * server, while the gateways press alarms. Every home comes back, every alarm is stored once, and
 * the storm opens no home incident (the outage was the platform's).
 */
describe('chaos: a reconnect storm after kill -9', () => {
  const region = new ChaosRegion();
  let gen: Generator;

  beforeAll(async () => {
    await region.start(HOMES + GATEWAYS);
    for (let i = 0; i < GATEWAYS; i++) await region.gateway(HOMES + i);
    gen = await Generator.start(2);
    await gen.init({
      host: '127.0.0.1',
      port: region.server.mqttPort,
      homes: region.homes.slice(0, HOMES),
      acks: 'app',
      will: true,
    });
    await gen.connect(16, true);
    await until(async () => (await gen.connected()) === HOMES, 'the fleet connected', 90_000);
    await until(() => region.gateways.every((g) => g.uplink.connected), 'gateways connected');
  }, 150_000);

  afterAll(async () => {
    await gen?.close();
    await region.close();
  }, 60_000);

  it('brings every home back and stores every alarm pressed in the storm once', async () => {
    await region.kill();
    for (const gw of region.gateways) pressAlarms(gw, ALARMS);
    await region.restart();
    await until(async () => (await gen.connected()) === HOMES, 'every home back', 120_000);
    await until(() => region.gateways.every((g) => g.outbox.depth() === 0), 'outboxes acked', 60_000);
    const total = GATEWAYS * ALARMS;
    expect(region.query("SELECT id FROM events WHERE kind = 'alarm' GROUP BY id")).toHaveLength(total);
    expect(region.query<{ n: number }>('SELECT count(*) AS n FROM alarms')[0]!.n).toBe(total);
    expect(region.query("SELECT id FROM incidents WHERE subject_kind = 'gateway'")).toEqual([]);
  }, 180_000);
});
