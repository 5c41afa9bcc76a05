import type { EventEmitter } from 'node:events';
import type { MessageBus } from 'dbus-next';
import { HardwareError } from '../errors.js';

/**
 * Whether a dbus-next connection has closed (the daemon exited, the socket was removed). dbus-next
 * never settles a method call made after that, and reports every later write as an `error` event
 * on the `MessageBus` ("Tried to write a message to a closed stream"); callers that must finish
 * (stop, shutdown) race their calls against {@link untilBusCloses} instead.
 */
export interface BusClosedWatch {
  readonly closed: boolean;
  /** Resolves once the connection has closed. */
  readonly whenClosed: Promise<void>;
}

const watches = new WeakMap<MessageBus, BusClosedWatch>();

/** The connection's socket (`MessageBus._connection.stream`), if dbus-next still exposes it. */
function streamOf(
  bus: MessageBus,
): (EventEmitter & { destroyed?: boolean; readableEnded?: boolean }) | undefined {
  return (bus as unknown as { _connection?: { stream?: EventEmitter & { destroyed?: boolean } } })._connection
    ?.stream;
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
  const stream = streamOf(bus);
  if (stream?.destroyed === true || stream?.readableEnded === true) markClosed();
  stream?.once('close', markClosed);
  stream?.once('end', markClosed);
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
