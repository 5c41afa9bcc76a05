import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyListener } from './accept-handles.js';

// libuv accepts one connection per listening handle and turn of the event loop (broker README,
// "Start under a reconnect storm"): the public socket is watched through several handles.

const LISTENERS = fileURLToPath(new URL('./broker-listeners.ts', import.meta.url));
const UNITS = 100;

/** Public listener in a child whose loop is blocked while the units connect; prints the first turn's accepts. */
const CHILD = `
const { BrokerListeners } = await import(${JSON.stringify(LISTENERS)});
const l = await BrokerListeners.open({ host: '127.0.0.1', port: 0, handle: (s) => s.destroy() });
await l.copied;
process.stdout.write('port ' + l.port + ' handles ' + l.acceptHandles + '\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
// this turn's check phase, then the next turn's poll phase accepts, then its check phase prints
setImmediate(() => setImmediate(() => process.stdout.write('first turn ' + l.waiting + '\\n')));
await new Promise((r) => process.stdin.once('end', r));
`;

async function* lines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  let buf = '';
  for await (const c of stream) {
    buf += c.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
}

describe('copyListener', () => {
  it('makes listening copies of a socket that each accept its connections', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const got: Socket[] = [];
    server.on('connection', (s) => got.push(s));
    const copies = await copyListener(server, 3, 511, (s) => got.push(s));
    try {
      expect(copies).toHaveLength(3);
      const clients = Array.from({ length: 20 }, () => connect(port, '127.0.0.1'));
      for (let i = 0; i < 200 && got.length < 20; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toHaveLength(20);
      for (const c of clients) c.destroy();
    } finally {
      for (const s of got) s.destroy();
      await Promise.all([server, ...copies].map((s) => new Promise((r) => s.close(r))));
    }
  });
});

describe('BrokerListeners accepting a storm', () => {
  it('accepts many held units in one turn of the event loop, not one', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const sockets: Socket[] = [];
    try {
      const out = lines(child.stdout);
      const [, port, , handles] = ((await out.next()).value as string).split(' ');
      expect(Number(handles)).toBeGreaterThanOrEqual(16);
      // the child's loop is blocked: every handshake completes in the kernel's accept queue
      for (let i = 0; i < UNITS; i++) {
        const s = connect(Number(port), '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
      }
      const first = Number(((await out.next()).value as string).split(' ')[2]);
      // one listening handle accepted exactly one unit in that turn
      expect(first).toBeGreaterThanOrEqual(16);
    } finally {
      for (const s of sockets) s.destroy();
      child.stdin.end();
      child.kill();
    }
  }, 20_000);
});
