import { randomUUID } from 'node:crypto';
import { topicFor } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { type RunningServer, startServer } from '../server.js';
import { publishPacket, type RawClient, rawConnect } from '../testing/raw-mqtt.js';
import { testConfig } from '../testing/test-app.js';

/**
 * Gateways flooding over their publish budget in the same instant (broker README, "Message
 * routing"). With aedes' default of 100 messages in flight, the flood's first messages (within the
 * budget, routed to the server) took every slot and the rest queued; each message dropped over the
 * budget completes without waiting, so the queue was drained by synchronous recursion, one stack
 * level per message, and a few thousand of them overflowed the stack ("Maximum call stack size
 * exceeded" from inside mqemitter) — the crash seen under ~1,500 gateways (docs/scaling.md §4),
 * where the `$SYS` notices of a connect storm queue the same way.
 */

const FLOODERS = 6;
const FLOOD = 20_000;
let s: RunningServer;
const gateways: Array<{ id: string; password: string }> = [];
const connectGateway = (i: number) =>
  rawConnect(s.broker!.port, {
    clientId: gateways[i]!.id,
    username: gateways[i]!.id,
    password: gateways[i]!.password,
  });

/** Polls a condition of the running broker (never a fixed wait). */
async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const rejected = async (reason: string): Promise<number> =>
  (await s.app.baken.metrics.mqttRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

beforeAll(async () => {
  // ManualClock: the publish budget never refills, so everything past the burst is dropped.
  s = await startServer({ config: testConfig(), clock: new ManualClock(), logger: createLogger('silent') });
  for (let i = 0; i <= FLOODERS; i++) {
    const g = { id: `gw-flood-${i}`, password: `a-random-gateway-password-${i}-${randomUUID()}` };
    gateways.push(g);
    await s.app.baken.repos.gateways.create({
      id: g.id,
      homeId: null,
      serial: null,
      createdAt: 0,
      revokedAt: null,
      mqttPasswordHash: s.app.baken.machineCredentials.hash(g.password),
    });
  }
});
afterAll(() => s?.close());

describe('gateways flooding over their publish budget at once', () => {
  it('the broker routes the burst without recursion and keeps routing', async () => {
    // The overflow is thrown from a socket callback inside aedes, past any test assertion.
    const uncaught: Error[] = [];
    const onUncaught = (e: Error) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    // A second subscriber with the server's identity watches every gateway's events.
    const { username, password } = s.broker!.internal;
    const watcher = await rawConnect(s.broker!.port, { clientId: 'baken-server-watch', username, password });
    let received = Buffer.alloc(0);
    watcher.socket.on('data', (c: Buffer) => {
      received = Buffer.concat([received.subarray(-64), c]);
    });
    const subscribed = new Promise<void>((r) => watcher.socket.once('data', () => r()));
    const filter = Buffer.from('baken/v1/gw/+/events');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(filter.length);
    // SUBSCRIBE, message id 1, QoS 0 [MQTT-3.8]
    const body = Buffer.concat([Buffer.from([0, 1]), len, filter, Buffer.from([0])]);
    await watcher.write(Buffer.concat([Buffer.from([0x82, body.length]), body]));
    await subscribed;

    // Tiny heartbeats far over the budget, all in the same instant: each past the burst is
    // acknowledged and dropped (README, "Rate, never an alarm").
    const flooders: RawClient[] = [];
    for (let k = 1; k <= FLOODERS; k++) flooders.push(await connectGateway(k));
    for (let k = 1; k <= FLOODERS; k++) {
      const one = publishPacket(topicFor('heartbeat', gateways[k]!.id), 'x');
      flooders[k - 1]!.socket.write(Buffer.concat(Array.from({ length: FLOOD }, () => one)));
    }
    await until('the flood read', async () => (await rejected('publish_rate_limited')) >= FLOODERS * 1000);

    // Routing still works: an event published now reaches the watcher.
    const marker = `marker-${randomUUID()}`;
    const other = await connectGateway(0);
    other.socket.write(publishPacket(topicFor('events', gateways[0]!.id), marker));
    await until('the marker', () => received.includes(marker) || uncaught.length > 0);
    process.off('uncaughtException', onUncaught);
    expect(uncaught.map((e) => e.message)).toEqual([]);
    for (const c of [watcher, other, ...flooders]) c.socket.destroy();
  }, 60_000);
});
