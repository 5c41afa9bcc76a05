import { MQTT_EXAMPLE_EVENTS, MQTT_EXAMPLE_PAYLOADS, topicFor } from '@baken/protocols';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { type RunningServer, startServer } from '../server.js';
import { MB, memoryDuring } from '../testing/memory.js';
import { connectPacket, publishHeader, publishPacket, rawConnect } from '../testing/raw-mqtt.js';
import { testConfig } from '../testing/test-app.js';
import { DEFAULT_BROKER_LIMITS } from './broker-limits.js';

/**
 * What a client holding a home unit's own credentials can make the server hold [server/src/broker
 * README]: a huge packet, a flood, a second session. Memory is measured in this process, where the
 * server runs (`memoryDuring`).
 */

let s: RunningServer;
const gw = { id: 'gw-abuse-01', password: 'a-gateway-password' };
const creds = (clientId = gw.id) => ({ clientId, username: gw.id, password: gw.password });
const rejected = async (reason: string): Promise<number> => {
  const m = await s.app.baken.metrics.mqttRejected.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
};

beforeAll(async () => {
  s = await startServer({ config: testConfig(), clock: new ManualClock(), logger: createLogger('silent') });
  await s.app.baken.repos.gateways.create({
    id: gw.id,
    homeId: null,
    serial: null,
    createdAt: 0,
    revokedAt: null,
    mqttPasswordHash: await hashPassword(gw.password, { N: 1024, r: 8, p: 1 }),
  });
});
afterAll(() => s?.close());

describe('broker abuse by a client with valid gateway credentials', () => {
  it('closes a 100 MB PUBLISH on its header: never read, counted, and memory stays flat', async () => {
    const c = await rawConnect(s.broker!.port, creds());
    const declared = 100 * MB;
    let sent = 0;
    const mem = await memoryDuring(async () => {
      await c.write(publishHeader(topicFor('heartbeat', gw.id), declared));
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      while (sent < declared && (await c.write(chunk))) sent += chunk.length;
      await c.closed;
    });
    // Loopback socket buffers absorb a few MB at most before the server's close arrives.
    expect(sent).toBeLessThan(16 * MB);
    expect(mem.peakBuffers).toBeLessThan(16 * MB);
    expect(mem.retained).toBeLessThan(16 * MB);
    expect(await rejected('packet_too_large')).toBe(1);
  });

  it('refuses an oversized CONNECT before authenticating it', async () => {
    const c = await rawConnect(s.broker!.port);
    const huge = connectPacket({ ...creds(), password: 'x'.repeat(DEFAULT_BROKER_LIMITS.maxConnectBytes) });
    await c.write(huge);
    await c.closed;
    expect(await rejected('connect_too_large')).toBe(1);
  });

  it('keeps one session per gateway: a second client id with the same credentials takes over', async () => {
    const opts = { protocolVersion: 4 as const, username: gw.id, password: gw.password, reconnectPeriod: 0 };
    const first = await mqtt.connectAsync(s.mqttUrl, { ...opts, clientId: gw.id });
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await mqtt.connectAsync(s.mqttUrl, { ...opts, clientId: `${gw.id}-probe` });
    await firstClosed;
    expect(second.connected).toBe(true);
    expect(await rejected('session_taken_over')).toBe(1);
    await second.endAsync();
  });

  it('refuses a connection older than the live session that authenticates only now (a ghost)', async () => {
    // A unit gave up on a connection still waiting its turn and connected again; the old one's
    // CONNECT, read later, must not close the unit's newer session (README, "One session per gateway").
    const opts = { protocolVersion: 4 as const, username: gw.id, password: gw.password, reconnectPeriod: 0 };
    const ghost = await rawConnect(s.broker!.port);
    const live = await mqtt.connectAsync(s.mqttUrl, { ...opts, clientId: gw.id });
    const connack = new Promise<Buffer>((resolve) => ghost.socket.once('data', resolve));
    await ghost.write(connectPacket(creds()));
    // CONNACK with return code 3 (server unavailable): the unit may try again, on a new connection
    expect([...(await connack)]).toEqual([0x20, 0x02, 0x00, 0x03]);
    await ghost.closed;
    expect(live.connected).toBe(true);
    expect(await rejected('session_superseded')).toBe(1);
    expect(await rejected('session_taken_over')).toBe(1); // the earlier test's, no more
    await live.endAsync();
  });

  it('cuts a heartbeat flood to the budget, never an alarm, and memory stays flat', async () => {
    const seen = { heartbeat: 0, alarm: 0 };
    await s.mqtt.subscribe(`baken/v1/gw/${gw.id}/+`, (topic, payload) => {
      if (topic.endsWith('/heartbeat')) seen.heartbeat += 1;
      else if (JSON.parse(payload.toString()).kind === 'alarm') seen.alarm += 1;
    });
    const hb = publishPacket(
      topicFor('heartbeat', gw.id),
      JSON.stringify({ ...MQTT_EXAMPLE_PAYLOADS.heartbeat, gatewayId: gw.id, pad: 'x'.repeat(1000) }),
    );
    const alarm = (n: number) =>
      publishPacket(
        topicFor('events', gw.id),
        JSON.stringify({ ...MQTT_EXAMPLE_EVENTS[0]!, id: `evt-flood-alarm-${n}`, gatewayId: gw.id }),
      );
    const flood = 20_000;
    const c = await rawConnect(s.broker!.port, creds());
    const mem = await memoryDuring(async () => {
      for (let i = 0; i < flood; i++) {
        await c.write(i % 5000 === 2500 ? alarm(i) : hb);
      }
      await c.write(alarm(flood));
      await expect.poll(() => seen.alarm, { timeout: 10_000 }).toBe(5);
    });
    c.socket.destroy();
    // The clock does not move: exactly the burst passes; every alarm passes over it.
    expect(seen.heartbeat).toBe(DEFAULT_BROKER_LIMITS.publishBurst);
    expect(await rejected('publish_rate_limited')).toBe(flood - 4 - DEFAULT_BROKER_LIMITS.publishBurst);
    expect(await rejected('publish_rate_alarm_passed')).toBe(5);
    expect(mem.peakBuffers).toBeLessThan(16 * MB);
    expect(mem.retained).toBeLessThan(16 * MB);
  });
});
