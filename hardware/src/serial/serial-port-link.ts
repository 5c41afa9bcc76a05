import { EventEmitter } from 'node:events';
import { realpathSync } from 'node:fs';
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import type { Clock, TimerHandle } from '../clock.js';
import { HardwareError } from '../errors.js';
import type { SerialLink, SerialLinkEvents, SerialLinkOptions } from '../serial-link.js';
import { serialClosedError } from './mock-serial-link.js';

interface PendingWrite {
  readonly resolve: () => void;
  readonly reject: (err: HardwareError) => void;
}

type State = 'closed' | 'opening' | 'open' | 'closing';

/** node-serialport's binding interface (`@serialport/bindings-interface`), as the stream takes it. */
export type SerialPortBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export interface SerialPortLinkOptions extends SerialLinkOptions {
  /**
   * A node-serialport binding to use instead of the platform one (bindings-cpp). For tests at
   * the library boundary, e.g. `@serialport/binding-mock`; production code leaves it unset.
   */
  binding?: SerialPortBinding;
  /**
   * With a clock, the link also checks every `presenceProbeMs` (default 1000) that its device path
   * still exists, and ends with `{ disconnected: true }` when it is gone: a USB adapter pulled out or
   * a pty whose other side died, even when node-serialport's poller never reports it.
   */
  clock?: Clock;
  presenceProbeMs?: number;
  /**
   * Which device node `path` names now, or `null` when it names none (default: the file system's
   * `realpath`). A stable `/dev/serial/by-id/…` link that vanished, or that points at another node
   * (the adapter was pulled and put back between two probes, and came back as `ttyUSB1`), ends the
   * link too: the open descriptor belongs to the old node. Tests at the binding boundary inject it,
   * and with it the probe also runs over an injected binding.
   */
  resolveDevice?: (path: string) => string | null;
}

/**
 * The real `SerialLink` over node-serialport 13 (bindings-cpp). Each `open()` creates a fresh
 * `SerialPort`, so reopening after a close or an unplug starts clean.
 *
 * Disconnect detection (serialport reports #2043 and #2351: no `close` is emitted on some USB unplugs):
 * the port's `'close'` with a disconnect error, a failed write, any port `'error'` while open, and
 * (with a clock) the device path disappearing all end the link with `'close'` `{ disconnected: true }`,
 * exactly once.
 */
export class SerialPortLink extends EventEmitter<SerialLinkEvents> implements SerialLink {
  readonly path: string;
  readonly baudRate: number;
  #state: State = 'closed';
  readonly #binding: SerialPortBinding | undefined;
  #port: SerialPortStream | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #lastCloseDisconnected = false;
  readonly #pending = new Set<PendingWrite>();
  readonly #clock: Clock | undefined;
  readonly #probeMs: number;
  readonly #resolve: ((path: string) => string | null) | undefined;
  #probe: TimerHandle | undefined;

  constructor(opts: SerialPortLinkOptions) {
    super();
    this.path = opts.path;
    this.baudRate = opts.baudRate ?? 9600;
    this.#binding = opts.binding;
    this.#clock = opts.clock;
    this.#probeMs = opts.presenceProbeMs ?? 1000;
    this.#resolve = opts.resolveDevice ?? (opts.binding ? undefined : resolveDeviceNode);
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  open(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'opening' && this.#opening) return this.#opening;
    if (this.#state === 'closing' && this.#closing) return this.#closing.then(() => this.open());
    this.#state = 'opening';
    this.#opening = this.#doOpen().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #doOpen(): Promise<void> {
    const settings = { path: this.path, baudRate: this.baudRate, autoOpen: false };
    const port: SerialPortStream = this.#binding
      ? new SerialPortStream({ ...settings, binding: this.#binding })
      : new SerialPort(settings);
    // A stray late error from a port we already gave up on must never crash the process.
    port.on('error', (err) => this.#onPortError(port, err));
    try {
      await new Promise<void>((resolve, reject) => {
        port.open((err) => (err ? reject(err) : resolve()));
      });
    } catch (err) {
      this.#state = 'closed';
      port.removeAllListeners('error');
      port.on('error', () => {});
      throw openError(this.path, err);
    }
    if (this.#state !== 'opening') {
      // close() was called while opening: honour it.
      await closeQuietly(port);
      throw serialClosedError(this.path, false);
    }
    this.#port = port;
    this.#state = 'open';
    this.#lastCloseDisconnected = false;
    port.on('data', (chunk: Buffer) => {
      if (this.#port === port && this.#state === 'open') {
        this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    });
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (this.#port === port) this.#lost(err ?? new Error('port closed by the system'));
    });
    const resolve = this.#resolve;
    if (this.#clock && resolve) {
      // the node the path named when opened; a by-id link re-pointed since then is another device
      const node = resolve(this.path);
      this.#probe = this.#clock.setInterval(
        () => {
          if (this.#port !== port) return;
          const now = resolve(this.path);
          if (now === null) this.#lost(new Error(`${this.path} is gone`));
          else if (node !== null && now !== node) this.#lost(new Error(`${this.path} now names ${now}`));
        },
        this.#probeMs,
        { unref: true },
      );
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (this.#state !== 'open' || !port) {
      return Promise.reject(serialClosedError(this.path, this.#lastCloseDisconnected));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: PendingWrite = { resolve, reject };
      this.#pending.add(entry);
      // Buffer.from copies: the caller may reuse its buffer once write() returned.
      port.write(Buffer.from(bytes), (err) => {
        if (!this.#pending.delete(entry)) return; // already settled by close() or a disconnect
        if (!err) {
          entry.resolve();
          return;
        }
        entry.reject(writeError(this.path, err));
        // A failed write means the device is gone even if the port never said so.
        if (this.#port === port) this.#lost(err);
      });
    });
  }

  close(): Promise<void> {
    if (this.#state === 'closing' && this.#closing) return this.#closing;
    if (this.#state === 'opening') {
      this.#state = 'closed';
      return (this.#opening ?? Promise.resolve()).then(
        () => this.close(),
        () => undefined,
      );
    }
    if (this.#state !== 'open') return Promise.resolve();
    const port = this.#port;
    this.#state = 'closing';
    this.#detach();
    this.#rejectPending(false);
    this.#closing = (async () => {
      if (port) await closeQuietly(port);
      this.#state = 'closed';
      this.#lastCloseDisconnected = false;
      this.#closing = undefined;
      this.emit('close', { disconnected: false });
    })();
    return this.#closing;
  }

  #onPortError(port: SerialPortStream, err: Error): void {
    if (this.#port !== port || this.#state !== 'open') return;
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.#lost(err);
  }

  /** The device or cable went away: end the link once with `{ disconnected: true }`. */
  #lost(cause: unknown): void {
    if (this.#state !== 'open') return;
    const port = this.#port;
    this.#state = 'closed';
    this.#lastCloseDisconnected = true;
    this.#detach();
    this.#rejectPending(true, cause);
    if (port) void closeQuietly(port);
    this.emit('close', { disconnected: true });
  }

  #detach(): void {
    this.#clock?.clearInterval(this.#probe);
    this.#probe = undefined;
    const port = this.#port;
    this.#port = undefined;
    if (!port) return;
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.removeAllListeners('error');
    port.on('error', () => {});
  }

  #rejectPending(disconnected: boolean, cause?: unknown): void {
    for (const entry of this.#pending) {
      entry.reject(
        disconnected
          ? new HardwareError('BAKEN_ERR_SERIAL_WRITE', `write to ${this.path} failed: device disconnected`, {
              disconnected: true,
              cause,
            })
          : new HardwareError('BAKEN_ERR_SERIAL_CLOSED', `write to ${this.path} canceled by close()`, {
              canceled: true,
            }),
      );
    }
    this.#pending.clear();
  }
}

/** The device node a (possibly symlinked, e.g. by-id) path names, or `null` when it names none. */
export function resolveDeviceNode(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function closeQuietly(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps an open failure to `BAKEN_ERR_SERIAL_OPEN`; permission problems name `dialout` (serialport #938). */
export function openError(path: string, err: unknown): HardwareError {
  const text = errorText(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || /permission denied|EACCES|EPERM/i.test(text)) {
    return new HardwareError(
      'BAKEN_ERR_SERIAL_OPEN',
      `cannot open ${path}: permission denied. Add the user to the 'dialout' group ` +
        `(sudo usermod -aG dialout <user>, then log in again)`,
      { cause: err },
    );
  }
  if (code === 'ENOENT' || /no such file|ENOENT/i.test(text)) {
    return new HardwareError('BAKEN_ERR_SERIAL_OPEN', `cannot open ${path}: no such device`, { cause: err });
  }
  return new HardwareError('BAKEN_ERR_SERIAL_OPEN', `cannot open ${path}: ${text}`, { cause: err });
}

function writeError(path: string, err: Error): HardwareError {
  const canceled = (err as { canceled?: unknown }).canceled === true;
  return new HardwareError('BAKEN_ERR_SERIAL_WRITE', `write to ${path} failed: ${err.message}`, {
    canceled,
    disconnected: !canceled,
    cause: err,
  });
}
