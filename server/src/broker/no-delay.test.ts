import { createServer, Socket } from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../metrics.js';
import { keepNoDelay, ServerMqttClient } from './server-client.js';

// [MQTT-3.2] A CONNACK accepting any CONNECT: just enough broker to watch the client's sockets.
const CONNACK_OK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

describe('keepNoDelay', () => {
  afterEach(() => vi.restoreAllMocks());

  it('turns Nagle off on the first socket and on the socket of every reconnect', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    const peers: Socket[] = [];
    const broker = createServer((s) => {
      peers.push(s);
      s.once('data', () => s.write(CONNACK_OK));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', () => r()));
    const port = (broker.address() as { port: number }).port;
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 10, protocolVersion: 4 });
    keepNoDelay(client);
    try {
      await new Promise((r) => client.once('connect', r));
      const first = client.stream;
      expect(spy.mock.contexts).toContain(first);
      expect(spy.mock.calls.every(([on]) => on === true)).toBe(true);
      peers[0]!.destroy();
      await new Promise((r) => client.once('connect', r));
      expect(client.stream).not.toBe(first);
      expect(spy.mock.contexts).toContain(client.stream);
    } finally {
      await client.endAsync(true);
      for (const p of peers) p.destroy();
      await new Promise((r) => broker.close(r));
    }
  });

  it("is applied to the server's client of an external broker", async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    const peers: Socket[] = [];
    const broker = createServer((s) => {
      peers.push(s);
      s.once('data', () => s.write(CONNACK_OK));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', () => r()));
    const port = (broker.address() as { port: number }).port;
    const client = await ServerMqttClient.connect({
      url: `mqtt://127.0.0.1:${port}`,
      metrics: createMetrics(),
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(spy).toHaveBeenCalledWith(true);
    } finally {
      await client.close().catch(() => undefined);
      for (const p of peers) p.destroy();
      await new Promise((r) => broker.close(r));
    }
  });
});
