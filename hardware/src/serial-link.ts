import type { EventEmitter } from 'node:events';

/**
 * A byte stream to a wired device (a key safe on RS-232/RS-485 or a USB serial adapter).
 *
 * Contract (learned from node-serialport's bindings-interface):
 * - `open()` resolves once the port is usable; it rejects with a `HardwareError` whose `code` is
 *   `BAKEN_ERR_SERIAL_OPEN` (path missing, permission denied — the message names the `dialout` group).
 * - `write(bytes)` resolves when the bytes were handed to the OS (not when the device read them);
 *   rejects with `disconnected: true` when the link is gone.
 * - `'data'` events carry `Uint8Array` chunks in arrival order; chunk boundaries carry no meaning.
 * - `close()` ends the link on purpose: pending writes reject with `canceled: true`, no further
 *   `'data'` is emitted, and `'close'` is emitted once with `{ disconnected: false }`.
 * - An unplugged cable or vanished device emits `'close'` with `{ disconnected: true }` (and never a
 *   second `'close'`); the owner may call `open()` again later to reopen the same path.
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
