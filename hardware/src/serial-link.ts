import type { EventEmitter } from 'node:events';

/**
 * A byte stream to a wired device (a key safe on RS-232/RS-485 or a USB serial adapter).
 *
 * Contract (learned from node-serialport's bindings-interface):
 * - `open()` resolves once the port is usable; it rejects with a `HardwareError` whose `code` is
 *   `BAKEN_ERR_SERIAL_OPEN` (path missing, permission denied — the message names the `dialout` group).
 * - `write(bytes)` copies `bytes`, and resolves when they were handed to the OS (not when the device
 *   read them); it may stay pending while the far side does not read (flow control) until
 *   `close()` cancels it. On a link that is not open it rejects with `BAKEN_ERR_SERIAL_CLOSED`
 *   (`disconnected: true` when the link ended by an unplug); a write the OS refuses rejects with
 *   `BAKEN_ERR_SERIAL_WRITE`, `disconnected: true`, and ends the link as an unplug.
 * - `'data'` events carry `Uint8Array` chunks in arrival order; chunk boundaries carry no meaning.
 * - `close()` ends the link on purpose: pending writes reject with `canceled: true`, no further
 *   `'data'` is emitted, and `'close'` is emitted once with `{ disconnected: false }`.
 * - An unplugged cable or vanished device emits `'close'` with `{ disconnected: true }` (and never a
 *   second `'close'`); pending writes reject with `disconnected: true`. There is no automatic
 *   reconnect: the owner may call `open()` again later to reopen the same path.
 * - `'error'` is emitted only for errors not tied to a call; it never precedes a silent stop.
 */
export interface SerialLinkEvents {
  data: [chunk: Uint8Array];
  close: [info: { disconnected: boolean }];
  error: [err: Error];
}

export interface SerialLink extends EventEmitter<SerialLinkEvents> {
  readonly path: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialLinkOptions {
  path: string;
  baudRate?: number;
}
