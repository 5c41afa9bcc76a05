import { createServer, type Server } from 'node:net';
import { Aedes, type AedesPublishPacket } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { dropClientNotices } from './sys-notices.js';

let broker: Aedes | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await new Promise<void>((r) => (broker ? broker.close(() => r()) : r()));
});

async function start(): Promise<{ broker: Aedes; port: number; seen: string[] }> {
  broker = await Aedes.createBroker();
  const seen: string[] = [];
  const b = broker;
  await new Promise<void>((r) =>
    b.subscribe(
      '$SYS/#',
      (p: AedesPublishPacket, done: () => void) => {
        seen.push(p.topic.slice(p.topic.indexOf('/', 5)));
        done();
      },
      () => r(),
    ),
  );
  server = createServer(b.handle);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { broker: b, port: (server.address() as { port: number }).port, seen };
}

/** A client that connects, subscribes, publishes and leaves. */
async function visit(port: number): Promise<void> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'unit-1', reconnectPeriod: 0 });
  await c.subscribeAsync('a/b');
  await c.publishAsync('a/b', 'x', { qos: 1 });
  await c.endAsync();
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('dropClientNotices', () => {
  it("aedes announces every client's connect, subscribe and disconnect on $SYS by itself", async () => {
    const { port, seen } = await start();
    await visit(port);
    await settle();
    expect(seen).toEqual(expect.arrayContaining(['/new/clients', '/new/subscribes', '/disconnect/clients']));
  });

  it('drops those notices and passes every other publish', async () => {
    const { broker: b, port, seen } = await start();
    dropClientNotices(b);
    const got: string[] = [];
    await new Promise<void>((r) =>
      b.subscribe(
        'a/b',
        (p: AedesPublishPacket, done: () => void) => {
          got.push(p.payload.toString());
          done();
        },
        () => r(),
      ),
    );
    await visit(port);
    await new Promise<void>((r, j) =>
      b.publish(
        { cmd: 'publish', topic: 'a/b', payload: Buffer.from('y'), qos: 0, retain: false, dup: false },
        (e) => (e ? j(e) : r()),
      ),
    );
    await settle();
    expect(seen.filter((t) => !t.startsWith('/heartbeat') && !t.startsWith('/birth'))).toEqual([]);
    expect(got).toEqual(['x', 'y']);
  });
});
