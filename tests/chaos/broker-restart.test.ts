import { randomBytes } from 'node:crypto';
import { needProgram } from '@baken/hardware/testing/external-program';
import { mosquittoAclText, mosquittoPasswordLine } from '@baken/server/broker/mosquitto-credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/support/server-proc.js';
import { type RunningMosquitto, startMosquitto } from '../support/mosquitto.js';
import { ChaosRegion, pressAlarms, until } from './support/chaos-region.js';

const hasMosquitto = needProgram('mosquitto');
const GATEWAYS = 3;
const ALARMS = 100;

/**
 * A restart of the external broker (a real Mosquitto, the server a real child process on it) during
 * an alarm burst from real gateways: the gateways and the server reconnect by themselves and every
 * alarm is stored and raised exactly once.
 */
describe.skipIf(!hasMosquitto)('chaos: a restart of the external Mosquitto broker', () => {
  const region = new ChaosRegion();
  const serverPassword = randomBytes(16).toString('hex');
  let mosq: RunningMosquitto;
  let ports: { gateway: number; server: number };
  let start: () => Promise<RunningMosquitto>;

  beforeAll(async () => {
    ports = { gateway: await freePort(), server: await freePort() };
    await region.seed(GATEWAYS);
    const lines = region.homes.map((h) => mosquittoPasswordLine(h.id, h.password));
    start = () =>
      startMosquitto({
        serverUser: 'baken-server',
        serverPasswordLine: mosquittoPasswordLine('baken-server', serverPassword),
        aclText: mosquittoAclText('baken-server'),
        extraPasswordLines: lines,
        ports,
      });
    mosq = await start();
    await region.startServer({
      BAKEN_MQTT_URL: mosq.serverUrl,
      BAKEN_MQTT_USERNAME: 'baken-server',
      BAKEN_MQTT_PASSWORD: serverPassword,
    });
    for (let i = 0; i < GATEWAYS; i++) await region.gateway(i, mosq.url);
    await until(() => region.gateways.every((g) => g.uplink.connected), 'gateways connected');
  }, 120_000);

  afterAll(async () => {
    await region.close();
    await mosq?.stop();
  }, 60_000);

  it('loses no alarm and stores none twice', async () => {
    for (const gw of region.gateways) pressAlarms(gw, ALARMS);
    const stored = () =>
      region.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE kind = 'alarm'")[0]!.n;
    await until(() => stored() > 0, 'first alarms stored');
    await mosq.stop();
    mosq = await start();
    await until(() => region.gateways.every((g) => g.outbox.depth() === 0), 'every outbox acked', 90_000);
    const total = GATEWAYS * ALARMS;
    expect(region.query("SELECT id FROM events WHERE kind = 'alarm' GROUP BY id")).toHaveLength(total);
    expect(
      region.query<{ n: number; d: number }>(
        'SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM alarms',
      )[0],
    ).toEqual({
      n: total,
      d: total,
    });
  }, 150_000);
});
