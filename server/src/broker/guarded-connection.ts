import { Duplex } from 'node:stream';
import { FrameGuard, type FrameLimits, type FrameRefusal } from './frame-guard.js';

/** The socket side the guard needs (a `net.Socket` or a test double). */
export type ByteSocket = Duplex;

/**
 * A duplex stream for `aedes.handle` that passes a socket's bytes through a {@link FrameGuard}.
 * Contract:
 * - bytes reach aedes only after the guard has accepted the header of the packet they belong to;
 * - on a refused header the socket is destroyed at once (nothing of that packet is handed on, the
 *   rest is never read) and `onRefused` is called once;
 * - reading follows aedes' pace: when aedes stops reading, the socket is paused, so the kernel's
 *   receive window, not our memory, absorbs a fast sender;
 * - writes go to the socket with its own back-pressure (`write` answers false until it drains);
 *   what is written while corked (mqtt-packet corks for the rest of the tick) reaches the socket
 *   as ONE write, so a turn's PUBACKs and forwards cost one system call, not one per chunk;
 * - destroying either side destroys the other.
 */
export class GuardedConnection extends Duplex {
  readonly #socket: ByteSocket;
  readonly #guard: FrameGuard;

  constructor(socket: ByteSocket, limits: FrameLimits, onRefused: (r: FrameRefusal) => void) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    this.#guard = new FrameGuard(limits);
    socket.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      const v = this.#guard.push(chunk);
      if (!v.ok) {
        const { ok: _ok, ...refusal } = v;
        socket.destroy();
        this.destroy();
        onRefused(refusal as FrameRefusal);
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  /** The remote address of the underlying socket, for logs. */
  get remoteAddress(): string | undefined {
    return (this.#socket as { remoteAddress?: string }).remoteAddress;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#socket.write(chunk, encoding, cb);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    cb: (err?: Error | null) => void,
  ): void {
    const one = chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk));
    this.#socket.write(one, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.#socket.destroyed) this.#socket.destroy();
    cb(err);
  }
}
