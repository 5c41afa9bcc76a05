import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIT_PER_TURN, BrokerListeners } from './broker-listeners.js';

// Home units wait unread until the server has started (broker README, "Start under a reconnect storm").

let listeners: BrokerListeners | undefined;
afterEach(async () => {
  const closed = listeners?.close();
  listeners?.destroyAll();
  await closed;
});

/** A client that records what it receives. */
async function client(port: number): Promise<{ socket: Socket; got: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  let got = '';
  socket.on('data', (c: Buffer) => {
    got += c.toString();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, got: () => got, closed };
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

/** The broker stands in as: read the first bytes, answer with what was read. */
const echoOnce = (s: Socket) => s.once('data', (c: Buffer) => s.end(`got ${c.toString()}`)).resume();

describe('BrokerListeners', () => {
  it('holds home units unread until admitted while the internal listener answers at once', async () => {
    listeners = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle: echoOnce });
    const unit = await client(listeners.port);
    unit.socket.write('CONNECT-unit');
    await until(() => listeners!.waiting === 1);
    const server = await client(listeners.internalPort);
    server.socket.write('CONNECT-server');
    await server.closed;
    expect(server.got()).toBe('got CONNECT-server');
    expect(unit.got()).toBe('');

    listeners.admit();
    await unit.closed;
    expect(unit.got()).toBe('got CONNECT-unit');
    expect(listeners.waiting).toBe(0);
    const later = await client(listeners.port);
    later.socket.write('CONNECT-later');
    await later.closed;
    expect(later.got()).toBe('got CONNECT-later');
  });

  it('admits the held units a slice per turn of the event loop, oldest first', async () => {
    const handled: Socket[] = [];
    listeners = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle: (s) => handled.push(s) });
    const order: number[] = [];
    for (let i = 0; i < 5; i++) {
      order.push((await client(listeners.port)).socket.localPort!);
      await until(() => listeners!.waiting === i + 1);
    }
    listeners.admit(2);
    expect(handled).toHaveLength(2);
    await new Promise((r) => setImmediate(r));
    expect(handled).toHaveLength(4);
    await until(() => handled.length === 5);
    expect(handled.map((s) => s.remotePort)).toEqual(order);
  });

  it('by default hands a slice of ADMIT_PER_TURN per turn (a turn of the storm stays short)', async () => {
    const handled: Socket[] = [];
    listeners = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle: (s) => handled.push(s) });
    const units = await Promise.all(
      Array.from({ length: ADMIT_PER_TURN + 10 }, () => client(listeners!.port)),
    );
    await until(() => listeners!.waiting === units.length);
    listeners.admit();
    expect(handled).toHaveLength(ADMIT_PER_TURN);
    await until(() => handled.length === units.length);
    for (const u of units) u.socket.destroy();
  });

  it('after admission, keeps handing a storm to the broker a slice per turn, oldest first', async () => {
    const handled: number[] = [];
    let inTurn = 0;
    let mostInATurn = 0;
    const handle = (s: Socket) => {
      handled.push(s.remotePort!);
      if (inTurn++ === 0)
        setImmediate(() => {
          mostInATurn = Math.max(mostInATurn, inTurn);
          inTurn = 0;
        });
    };
    listeners = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle });
    await listeners.copied;
    listeners.admit(3);
    const units = await Promise.all(Array.from({ length: 40 }, () => client(listeners!.port)));
    await until(() => handled.length === units.length);
    // accepted many per turn (accept-handles.ts), handed over three per turn
    expect(mostInATurn).toBe(3);
    expect(new Set(handled)).toEqual(new Set(units.map((u) => u.socket.localPort)));
    for (const u of units) u.socket.destroy();
  });

  it('admits no one in a turn that holds (an alarm waits for its ack), and goes on after', async () => {
    const handled: Socket[] = [];
    let hold = false;
    listeners = await BrokerListeners.open({
      host: '127.0.0.1',
      port: 0,
      handle: (s) => handled.push(s),
      hold: () => hold,
    });
    for (let i = 0; i < 5; i++) {
      await client(listeners.port);
      await until(() => listeners!.waiting === i + 1);
    }
    listeners.admit(2);
    expect(handled).toHaveLength(2);
    hold = true;
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(handled).toHaveLength(2);
    hold = false;
    await new Promise((r) => setImmediate(r));
    expect(handled).toHaveLength(4);
    await until(() => handled.length === 5);
  });

  it('forgets a held unit that gives up, and closes the ones still held', async () => {
    listeners = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle: echoOnce });
    const quitter = await client(listeners.port);
    const stayer = await client(listeners.port);
    await until(() => listeners!.waiting === 2);
    quitter.socket.destroy();
    await until(() => listeners!.waiting === 1);
    const closing = listeners.close();
    await stayer.closed;
    await closing;
    expect(stayer.got()).toBe('');
    listeners = undefined;
  });
});
