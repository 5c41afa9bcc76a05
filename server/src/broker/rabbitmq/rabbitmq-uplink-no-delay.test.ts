import { createServer, Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../clock.js';
import { createMetrics } from '../../metrics.js';
import { RabbitUplink } from './rabbitmq-uplink.js';

describe('RabbitUplink socket', () => {
  afterEach(() => vi.restoreAllMocks());

  // amqplib leaves Nagle on unless asked: an app ack written behind another small frame then waited
  // for the broker's delayed ACK, about 40 ms on every alarm's round trip (docs/scaling.md §6).
  it('turns Nagle off on its AMQP connection', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    const peers: Socket[] = [];
    // Just enough of a node to see the client's socket: it accepts and then hangs up.
    const node = createServer((s) => {
      peers.push(s);
      s.on('error', () => undefined);
      s.once('data', () => s.destroy());
    });
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', () => r()));
    const port = (node.address() as { port: number }).port;
    try {
      await expect(
        RabbitUplink.connect({
          urls: [`amqp://u:p@127.0.0.1:${port}`],
          clock: new ManualClock(0),
          metrics: createMetrics(),
          logger: pino({ level: 'silent' }),
        }),
      ).rejects.toMatchObject({ code: 'BAKEN_ERR_BROKER' });
      expect(spy).toHaveBeenCalled();
      expect(spy.mock.calls.every(([on]) => on === true)).toBe(true);
    } finally {
      for (const p of peers) p.destroy();
      await new Promise((r) => node.close(r));
    }
  });
});
