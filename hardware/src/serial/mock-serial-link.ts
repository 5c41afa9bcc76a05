import { EventEmitter } from 'node:events';
import { HardwareError } from '../errors.js';
import type { SerialLink, SerialLinkEvents } from '../serial-link.js';

interface PendingWrite {
  readonly bytes: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (err: HardwareError) => void;
}

/**
 * In-memory `SerialLink` with test handles. Alone, its writes go nowhere (they are only recorded);
 * joined by a `MockSerialWire`, bytes written on one end arrive as `'data'` on the other.
 *
 * Delivery is asynchronous (a microtask) and in order, so code cannot depend on a write being
 * seen synchronously. Everything else follows the `SerialLink` contract exactly.
 */
export class MockSerialLink extends EventEmitter<SerialLinkEvents> implements SerialLink {
  readonly path: string;
  /** Every chunk written through `write()` that was handed on (copies), oldest first. */
  readonly writes: Uint8Array[] = [];
  #open = false;
  #plugged = true;
  #lastCloseDisconnected = false;
  readonly #pending = new Set<PendingWrite>();
  /** @internal set by MockSerialWire */
  peer: MockSerialLink | undefined;
  /** @internal set by MockSerialWire so that unplugging one end unplugs the cable */
  wire: { unplug(): void; replug(): void } | undefined;

  constructor(opts: { path?: string } = {}) {
    super();
    this.path = opts.path ?? '/dev/mock-serial';
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get isPlugged(): boolean {
    return this.#plugged;
  }

  /** The last chunk written, or undefined. */
  get lastWrite(): Uint8Array | undefined {
    return this.writes.at(-1);
  }

  /** All written bytes concatenated. */
  written(): Uint8Array {
    return concatBytes(this.writes);
  }

  async open(): Promise<void> {
    if (this.#open) return;
    if (!this.#plugged) {
      throw new HardwareError('BAKEN_ERR_SERIAL_OPEN', `cannot open ${this.path}: no such device`);
    }
    this.#open = true;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.#open) return Promise.reject(serialClosedError(this.path, this.#lastCloseDisconnected));
    return new Promise<void>((resolve, reject) => {
      const entry: PendingWrite = { bytes: bytes.slice(), resolve, reject };
      this.#pending.add(entry);
      queueMicrotask(() => {
        if (!this.#pending.delete(entry)) return; // canceled or disconnected meanwhile
        this.writes.push(entry.bytes);
        this.peer?.receive(entry.bytes);
        entry.resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#end(false);
  }

  /** Test handle: bytes arriving from the far side (emitted as `'data'` asynchronously, if open). */
  emitData(bytes: Uint8Array): void {
    this.receive(bytes.slice());
  }

  /** Test handle: pulls the cable. Both ends of a wire emit `'close'` `{ disconnected: true }`. */
  unplug(): void {
    if (this.wire) this.wire.unplug();
    else this.pull();
  }

  /** Test handle: puts the cable back; `open()` works again. */
  replug(): void {
    if (this.wire) this.wire.replug();
    else this.#plugged = true;
  }

  /** @internal */
  receive(bytes: Uint8Array): void {
    queueMicrotask(() => {
      if (this.#open && bytes.length > 0) this.emit('data', bytes);
    });
  }

  /** @internal */
  pull(): void {
    this.#plugged = false;
    if (this.#open) this.#end(true);
  }

  /** @internal */
  plug(): void {
    this.#plugged = true;
  }

  #end(disconnected: boolean): void {
    this.#open = false;
    this.#lastCloseDisconnected = disconnected;
    for (const entry of this.#pending) {
      entry.reject(
        new HardwareError(
          disconnected ? 'BAKEN_ERR_SERIAL_WRITE' : 'BAKEN_ERR_SERIAL_CLOSED',
          disconnected
            ? `write to ${this.path} failed: device disconnected`
            : `write to ${this.path} canceled by close()`,
          disconnected ? { disconnected: true } : { canceled: true },
        ),
      );
    }
    this.#pending.clear();
    this.emit('close', { disconnected });
  }
}

/**
 * Two `MockSerialLink` ends joined by an in-memory cable (like a null-modem cable or a pty pair).
 * `unplug()` cuts the cable: both open ends emit `'close'` `{ disconnected: true }` and cannot be
 * opened until `replug()`.
 */
export class MockSerialWire {
  readonly a: MockSerialLink;
  readonly b: MockSerialLink;

  constructor(opts: { pathA?: string; pathB?: string } = {}) {
    this.a = new MockSerialLink({ path: opts.pathA ?? '/dev/mock-serial-a' });
    this.b = new MockSerialLink({ path: opts.pathB ?? '/dev/mock-serial-b' });
    this.a.peer = this.b;
    this.b.peer = this.a;
    this.a.wire = this;
    this.b.wire = this;
  }

  unplug(): void {
    this.a.pull();
    this.b.pull();
  }

  replug(): void {
    this.a.plug();
    this.b.plug();
  }
}

export function serialClosedError(path: string, disconnected: boolean): HardwareError {
  return new HardwareError(
    'BAKEN_ERR_SERIAL_CLOSED',
    disconnected ? `${path} is disconnected` : `${path} is not open`,
    { disconnected },
  );
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
