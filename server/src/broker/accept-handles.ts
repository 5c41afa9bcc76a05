import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * Listening handles on the public listener's socket: libuv (Node 20) accepts ONE connection per
 * listening handle and turn of the event loop, however many wait in the kernel's accept queue.
 * In a reconnect storm a turn carries tens of milliseconds of sessions' work, so one handle
 * accepted a few dozen units a second: the queue overflowed and the kernel dropped the units'
 * handshakes, which they retried 1, 3, 7, 15 s later, past their CONNACK timeout (broker README,
 * "Start under a reconnect storm"). Each handle here is its own file descriptor of the same
 * listening socket, watched on its own, so a turn accepts up to one connection per handle.
 */
export const ACCEPT_HANDLES = 32;

/**
 * How long the copies may take before the listener goes on with what it has (each copy is a round
 * trip through both event loops, which a start under a storm on a busy machine holds for seconds).
 */
const COPY_TIMEOUT_MS = 60_000;

/**
 * A child process sends the listening handle it is given back `n` times: a handle passed over an
 * IPC channel arrives as a new descriptor of the same socket (SCM_RIGHTS), which is the only way
 * Node 20 has to duplicate one. Plain CommonJS, no loader, so it starts in tens of milliseconds.
 */
const COPIER = `process.on('message', (m, h) => { for (let i = 0; i < Number(process.argv[1]); i++) process.send('copy', h); });`;

/**
 * `n` more listening servers on `server`'s socket, each handing its connections to `onConnection`
 * with Nagle off. Every copy listens with `backlog` (a listen on a listening socket sets its
 * queue again, so each must ask for the same depth). If the copies cannot be made (no child
 * process allowed, a timeout), resolves with those made: the listener still works, with fewer
 * accepts per turn. Contract: the servers resolved are listening; closing one closes only its
 * descriptor.
 */
export async function copyListener(
  server: Server,
  n: number,
  backlog: number,
  onConnection: (socket: Socket) => void,
  /** Stops copying (the listener closes): resolves with the copies made so far. */
  signal?: AbortSignal,
): Promise<Server[]> {
  const handle = (server as unknown as { _handle?: unknown })._handle;
  if (n <= 0 || !handle) return [];
  const copies: Server[] = [];
  const child = spawn(process.execPath, ['-e', COPIER, String(n)], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: {},
  });
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, COPY_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      child.once('error', done);
      child.once('exit', done);
      if (signal?.aborted) done();
      signal?.addEventListener('abort', done, { once: true });
      child.on('message', (_m, copy) => {
        if (!copy) return;
        const s = createServer({ noDelay: true }, onConnection);
        s.listen(copy as never, backlog);
        copies.push(s);
        if (copies.length >= n) done();
      });
      // sent as the raw handle (not the net.Server): a Server would be listened on again by the
      // child with Node's default queue of 511
      child.send('listener', handle as never, (err) => {
        if (err) done();
      });
    });
  } finally {
    child.removeAllListeners('message');
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
  return copies;
}
