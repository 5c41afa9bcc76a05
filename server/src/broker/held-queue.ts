import type { Socket } from 'node:net';

/**
 * How long a held unit may wait before the queue serves the newest first. A unit gives up on a
 * connection that has no CONNACK after 30 s (mqtt.js' connect timeout, the gateway's uplink) and
 * connects again; in a queue served oldest first that waits longer than that, every unit handed
 * to the broker has already given up, and the broker works for no one (congestion collapse).
 */
export const STALE_MS = 10_000;

/** What a held unit may send before its turn (a CONNECT is at most 8 KiB, broker-limits.ts). */
export const MAX_HELD_BYTES = 16 * 1024;

interface Entry {
  socket: Socket;
  at: number;
  chunks: Buffer[];
  bytes: number;
  onData: (chunk: Buffer) => void;
  onEnd: () => void;
}

/**
 * Home-unit connections waiting for their turn (broker README, "Start under a reconnect storm").
 * Contract:
 * - a held socket is read (up to {@link MAX_HELD_BYTES}, then paused), so a unit that gives up
 *   (FIN, reset) leaves the queue at once and is never handed to the broker;
 * - {@link take} serves the oldest first while the oldest has waited at most `staleMs`, the
 *   newest first past that (they are the ones still waiting for an answer); the old ones are
 *   served once the newer are gone, if they are still there;
 * - a socket taken is paused with what it sent put back (`unshift`): its reader resumes it.
 */
export class HeldQueue {
  readonly #entries: Entry[] = [];
  #head = 0;
  readonly #live = new Map<Socket, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly staleMs = STALE_MS,
  ) {}

  get size(): number {
    return this.#live.size;
  }

  add(socket: Socket): void {
    const e: Entry = {
      socket,
      at: this.now(),
      chunks: [],
      bytes: 0,
      onData: (chunk) => {
        e.chunks.push(chunk);
        e.bytes += chunk.length;
        if (e.bytes > MAX_HELD_BYTES) socket.pause();
      },
      onEnd: () => socket.destroy(),
    };
    socket.on('data', e.onData);
    socket.once('end', e.onEnd);
    socket.once('close', () => this.#live.delete(socket));
    this.#live.set(socket, e);
    this.#entries.push(e);
  }

  /** Up to `n` live sockets, in the order above, each paused with its bytes put back. */
  take(n: number): Socket[] {
    const out: Socket[] = [];
    while (out.length < n && this.#live.size > 0) {
      while (!this.#live.has(this.#entries[this.#head]!.socket)) this.#head++;
      const oldest = this.#entries[this.#head]!;
      let e: Entry;
      if (this.now() - oldest.at > this.staleMs) {
        do e = this.#entries.pop()!;
        while (!this.#live.has(e.socket));
      } else {
        e = oldest;
        this.#head++;
      }
      out.push(this.#release(e));
    }
    this.#compact();
    return out;
  }

  /** Destroys every held socket. */
  destroyAll(): void {
    for (const s of [...this.#live.keys()]) s.destroy();
    this.#live.clear();
    this.#compact();
  }

  #compact(): void {
    if (this.#live.size === 0) {
      this.#entries.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #release(e: Entry): Socket {
    const s = e.socket;
    this.#live.delete(s);
    s.off('data', e.onData);
    s.off('end', e.onEnd);
    s.pause();
    if (e.chunks.length > 0) s.unshift(e.chunks.length === 1 ? e.chunks[0]! : Buffer.concat(e.chunks));
    return s;
  }
}
