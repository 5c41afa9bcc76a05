import { randomBytes } from 'node:crypto';
import { needProgram } from '@baken/hardware/testing/external-program';
import { MQTT_EXAMPLE_EVENTS, MQTT_EXAMPLE_PAYLOADS, topicFor } from '@baken/protocols';
import { startServer } from '@baken/server';
import { DEFAULT_BROKER_LIMITS } from '@baken/server/broker/broker-limits';
import {
  MosquittoPasswordFile,
  mosquittoAclText,
  mosquittoPasswordLine,
} from '@baken/server/broker/mosquitto-credentials';
import { ManualClock } from '@baken/server/clock';
import { MB, memoryDuring } from '@baken/server/testing/memory';
import { publishHeader, publishPacket, rawConnect } from '@baken/server/testing/raw-mqtt';
import { testConfig } from '@baken/server/testing/test-app';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMosquitto, startMosquitto } from '../support/mosquitto.js';

const hasMosquitto = needProgram('mosquitto');

/**
 * The limits of the embedded broker hold on an external Mosquitto run with Baken's generated
 * configuration [server/src/broker/README.md]: the packet size on the header, one session per
 * gateway, and the per-gateway publish budget (applied by the server's own client).
 */
describe.skipIf(!hasMosquitto)('limits on an external Mosquitto', () => {
  let mosq: RunningMosquitto;
  let server: Awaited<ReturnType<typeof startServer>>;
  const gw = { id: 'gw-mosq-limits', password: randomBytes(16).toString('hex') };
  const creds = (clientId = gw.id) => ({ clientId, username: gw.id, password: gw.password });
  const rejected = async (reason: string): Promise<number> => {
    const m = await server.app.baken.metrics.mqttRejected.get();
    return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  };

  beforeAll(async () => {
    const serverPassword = randomBytes(16).toString('hex');
    mosq = await startMosquitto({
      serverUser: 'baken-server',
      serverPasswordLine: mosquittoPasswordLine('baken-server', serverPassword),
      aclText: mosquittoAclText('baken-server'),
    });
    new MosquittoPasswordFile({ passwordFile: mosq.passwordFile, pidFile: mosq.pidFile }).issue(
      gw.id,
      gw.password,
    );
    // The reload is asynchronous: wait until the new gateway is let in.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const c = await rawConnect(Number(new URL(mosq.url).port), creds()).catch((e: Error) => e);
      if (!(c instanceof Error)) {
        c.socket.destroy();
        break;
      }
      if (Date.now() > deadline) throw new Error(`Mosquitto did not let the new gateway in: ${c.message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    server = await startServer({
      config: testConfig({
        mqtt: { port: 0, url: mosq.serverUrl, username: 'baken-server', password: serverPassword },
      }),
      clock: new ManualClock(),
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await mosq?.stop();
  });

  it('disconnects a 100 MB PUBLISH on its header', async () => {
    const c = await rawConnect(Number(new URL(mosq.url).port), creds());
    let sent = 0;
    await c.write(publishHeader(topicFor('heartbeat', gw.id), 100 * MB));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    while (sent < 100 * MB && (await c.write(chunk))) sent += chunk.length;
    await c.closed;
    expect(sent).toBeLessThan(16 * MB);
  });

  it('keeps one session per gateway: a second client id with the same credentials takes over', async () => {
    const opts = { protocolVersion: 4 as const, username: gw.id, password: gw.password, reconnectPeriod: 0 };
    const first = await mqtt.connectAsync(mosq.url, { ...opts, clientId: gw.id });
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await mqtt.connectAsync(mosq.url, { ...opts, clientId: `${gw.id}-probe` });
    await firstClosed;
    expect(second.connected).toBe(true);
    await second.endAsync();
  });

  it('the server cuts a heartbeat flood to the budget, never an alarm, with flat memory', async () => {
    const seen = { heartbeat: 0, alarm: 0 };
    await server.mqtt.subscribe(`baken/v1/gw/${gw.id}/+`, (topic, payload) => {
      if (topic.endsWith('/heartbeat')) seen.heartbeat += 1;
      else if (topic.endsWith('/events') && JSON.parse(payload.toString()).kind === 'alarm') seen.alarm += 1;
    });
    const hb = publishPacket(
      topicFor('heartbeat', gw.id),
      JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.heartbeat, gatewayId: gw.id }),
    );
    const alarm = (n: number) =>
      publishPacket(
        topicFor('events', gw.id),
        JSON.stringify({ ...MQTT_EXAMPLE_EVENTS[0]!, id: `evt-mosq-alarm-${n}`, gatewayId: gw.id }),
        n + 1,
      );
    const flood = 5_000;
    const c = await rawConnect(Number(new URL(mosq.url).port), creds());
    const mem = await memoryDuring(async () => {
      for (let i = 0; i < flood; i++) await c.write(i % 1000 === 500 ? alarm(i) : hb);
      await c.write(alarm(flood));
      await expect.poll(() => seen.alarm, { timeout: 15_000 }).toBe(6);
    });
    c.socket.destroy();
    expect(seen.heartbeat).toBeLessThanOrEqual(DEFAULT_BROKER_LIMITS.publishBurst);
    expect(await rejected('publish_rate_limited')).toBeGreaterThan(
      flood - 6 - DEFAULT_BROKER_LIMITS.publishBurst - 1,
    );
    expect(mem.peakBuffers).toBeLessThan(16 * MB);
    expect(mem.retained).toBeLessThan(16 * MB);
  });
});
