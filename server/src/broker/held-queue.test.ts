import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeldQueue, STALE_MS } from './held-queue.js';

// Units wait for their turn in the server's queue (broker README, "Start under a reconnect storm").

let server: Server;
let port: number;
let accepted: Socket[];
const clients: Socket[] = [];
beforeEach(async () => {
  accepted = [];
  server = createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of accepted) s.destroy();
  await new Promise((r) => server.close(r));
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

/** A unit that connected and sent `hello`; resolves with the server's side of it. */
async function unit(hello: string): Promise<{ client: Socket; held: Socket }> {
  const n = accepted.length;
  const client = connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  clients.push(client);
  client.write(hello);
  await until(() => accepted.length > n);
  return { client, held: accepted[n]! };
}

const read = (s: Socket) =>
  new Promise<string>((r) => {
    s.once('data', (c: Buffer) => r(c.toString()));
    s.resume();
  });

describe('HeldQueue', () => {
  it('drops a unit that sent its CONNECT and gave up while it waited, unprocessed', async () => {
    const q = new HeldQueue(() => 0);
    const quitter = await unit('CONNECT-quitter');
    const stayer = await unit('CONNECT-stayer');
    q.add(quitter.held);
    q.add(stayer.held);
    await new Promise((r) => setTimeout(r, 20));
    quitter.client.end();
    // Unread, a socket with bytes waiting never reported its peer's FIN: the broker would have
    // authenticated a unit that had already given up.
    await until(() => q.size === 1);
    const [s] = q.take(5);
    expect(s).toBe(stayer.held);
    expect(await read(s!)).toBe('CONNECT-stayer');
  });

  it('hands a socket paused, with what it sent while held', async () => {
    const q = new HeldQueue(() => 0);
    const u = await unit('CONNECT-1');
    q.add(u.held);
    await new Promise((r) => setTimeout(r, 20));
    u.client.write('-and-more');
    await new Promise((r) => setTimeout(r, 20));
    const [s] = q.take(1);
    expect(s!.isPaused()).toBe(true);
    expect(await read(s!)).toBe('CONNECT-1-and-more');
  });

  it('serves the oldest first, and the newest first once the oldest has waited too long', async () => {
    let now = 0;
    const q = new HeldQueue(() => now);
    const units = [];
    for (let i = 0; i < 4; i++) {
      units.push(await unit(`CONNECT-${i}`));
      q.add(units[i]!.held);
      now += 1_000;
    }
    expect(q.take(1)).toEqual([units[0]!.held]);
    now = STALE_MS + 1_500; // units[1] arrived at 1 s: it has waited past STALE_MS
    expect(q.take(2)).toEqual([units[3]!.held, units[2]!.held]);
    expect(q.take(2)).toEqual([units[1]!.held]);
    expect(q.size).toBe(0);
  });
});
