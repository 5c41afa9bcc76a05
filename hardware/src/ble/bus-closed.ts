import type { EventEmitter } from 'node:events';
import { HardwareError } from '../errors.js';
import type { MessageBus } from './dbus.js';

/**
 * Whether a D-Bus connection has closed (the daemon exited, the socket was removed). The library
 * never settles a method call made after that (it queues it; DECISIONS.md §1), nor one in flight
 * when the daemon went; callers that must finish (stop, shutdown) race their calls against
 * {@link untilBusCloses} instead.
 */
export interface BusClosedWatch {
  readonly closed: boolean;
  /** Resolves once the connection has closed. */
  readonly whenClosed: Promise<void>;
}

const watches = new WeakMap<MessageBus, BusClosedWatch>();

/**
 * The bus's connection (`MessageBus._connection`): it emits `end` when its socket ends and then
 * reads `state === 'ended'`. Its `stream` is attached only once the socket is open, so the
 * connection, not the stream, is what is watched.
 */
function connectionOf(bus: MessageBus): (EventEmitter & { state?: string }) | undefined {
  return (bus as unknown as { _connection?: EventEmitter & { state?: string } })._connection;
}

/** One watch per bus; also marks the bus closed on its first "closed stream" error. */
export function watchBusClosed(bus: MessageBus): BusClosedWatch {
  const known = watches.get(bus);
  if (known) return known;
  let closed = false;
  let markClosed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    markClosed = () => {
      closed = true;
      resolve();
    };
  });
  const conn = connectionOf(bus);
  if (conn?.state === 'ended') markClosed();
  conn?.once('end', markClosed);
  bus.on('error', (err: unknown) => {
    if (/closed stream/i.test(err instanceof Error ? err.message : String(err))) markClosed();
  });
  const watch: BusClosedWatch = {
    get closed() {
      return closed;
    },
    whenClosed,
  };
  watches.set(bus, watch);
  return watch;
}

/**
 * `call` unless the bus closes first: then rejects with `BAKEN_ERR_BLE_ADAPTER` at once (a closed
 * bus never answers).
 */
export function untilBusCloses<T>(bus: MessageBus, call: () => Promise<T>): Promise<T> {
  const watch = watchBusClosed(bus);
  const gone = (): HardwareError =>
    new HardwareError('BAKEN_ERR_BLE_ADAPTER', 'D-Bus connection closed', { disconnected: true });
  if (watch.closed) return Promise.reject(gone());
  return Promise.race([
    call(),
    watch.whenClosed.then(() => {
      throw gone();
    }),
  ]);
}
