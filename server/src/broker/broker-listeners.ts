import { createServer, type Server, type Socket } from 'node:net';
import { ACCEPT_HANDLES, copyListener } from './accept-handles.js';
import { HeldQueue } from './held-queue.js';

/** Accept-queue depth asked for on the public listener (the kernel caps it at `net.core.somaxconn`). */
export const PUBLIC_BACKLOG = 65_535;

/**
 * Home-unit connections handed to the broker per turn of the event loop. A unit's CONNECT,
 * SUBSCRIBE and `online` (with health's evaluation of it) cost about a millisecond of CPU, so a
 * slice of 200 held the loop for 0.2-0.5 s on a busy machine: an alarm from a connected home
 * waited that long. A slice of 50 keeps turns to tens of milliseconds.
 */
export const ADMIT_PER_TURN = 50;

/**
 * The embedded broker's two TCP listeners (broker README, "Start under a reconnect storm"):
 * - the **internal** one, on loopback and an ephemeral port, for the server's own MQTT client; it
 *   hands each connection to the broker at once;
 * - the **public** one, on the configured address, for home units. It is bound at once (so its port
 *   is known and taken), but until {@link admit} the connections it accepts are held: read into a
 *   queue (`held-queue.ts`), not handed to the broker. After a restart, thousands of units
 *   reconnect at once; holding them until the server has started means the server's own client
 *   and start-up are not queued behind their CONNECTs, and no unit's message reaches a broker whose
 *   ingest has not subscribed yet. Held units are not refused, so they do not back off; one that
 *   gives up while held (its FIN) leaves the queue unprocessed.
 *
 * Accepting and admitting are apart. The public socket is watched through {@link ACCEPT_HANDLES}
 * listening handles (`accept-handles.ts`), so a turn of the loop accepts up to that many units
 * (libuv accepts one per handle and turn); every accepted unit joins the held queue, and the queue
 * is handed to the broker at most `perTurn` per turn, also after {@link admit} (oldest first, newest
 * first once the oldest has waited too long: `held-queue.ts`). So a
 * storm waits in our queue, with its handshakes done, rather than overflowing the kernel's accept
 * queue (dropped handshakes are retried 1-15 s later), and a turn still carries at most one slice
 * of new sessions.
 *
 * Every accepted socket has Nagle's algorithm off (README, "Latency"). `close` stops both listeners
 * and destroys every socket still open, held ones included.
 *
 * The public listener's accept queue is {@link PUBLIC_BACKLOG} deep (Node's default is 511): while
 * the event loop is blocked (start-up, a long turn), thousands of units complete their TCP
 * handshake at once, and each one over the queue has its handshake dropped and retried later.
 */
export class BrokerListeners {
  readonly #sockets = new Set<Socket>();
  readonly #order = new WeakMap<Socket, number>();
  #accepted = 0;
  /** Public connections not yet handed to the broker (held-queue.ts). */
  readonly #held: HeldQueue;
  /** Units handed over per turn once admitted; 0 until {@link admit}. */
  #perTurn = 0;
  #pumping = false;
  #closed = false;
  readonly #stopCopying = new AbortController();
  /** More listening handles on the public socket (accept-handles.ts). */
  #copies: Server[] = [];
  /** Settles once the copies are listening (or could not be made); the listener works meanwhile. */
  copied: Promise<void> = Promise.resolve();

  private constructor(
    private readonly publicServer: Server,
    private readonly internalServer: Server,
    private readonly handle: (socket: Socket, order: number) => void,
    now: () => number,
    private readonly hold: () => boolean,
  ) {
    this.#held = new HeldQueue(now);
  }

  static async open(o: {
    host: string;
    port: number;
    /**
     * `order`: the connection's place in accept order (1, 2, …), whenever it is handed over. A
     * public connection arrives paused, with what it sent while held still to be read: resume it.
     */
    handle: (socket: Socket, order: number) => void;
    /** Listening handles on the public socket (at most that many accepts per turn). */
    acceptHandles?: number;
    /** The server's clock (ms), for how long a unit has been held. */
    now?: () => number;
    /** True while a turn should admit no one (an alarm waits for its ack, `alarm-gate.ts`). */
    hold?: () => boolean;
  }): Promise<BrokerListeners> {
    let self: BrokerListeners | undefined;
    const pub = createServer({ noDelay: true }, (s) => self?.accept(s, false));
    const internal = createServer({ noDelay: true }, (s) => self?.accept(s, true));
    self = new BrokerListeners(pub, internal, o.handle, o.now ?? Date.now, o.hold ?? (() => false));
    await listen(internal, 0, '127.0.0.1');
    try {
      await listen(pub, o.port, o.host, PUBLIC_BACKLOG);
    } catch (e) {
      internal.close();
      throw e;
    }
    // made in the background: a start does not wait for the child process that copies the handle
    const l = self;
    const n = (o.acceptHandles ?? ACCEPT_HANDLES) - 1;
    const signal = l.#stopCopying.signal;
    l.copied = copyListener(pub, n, PUBLIC_BACKLOG, (s) => l.accept(s, false), signal).then((copies) => {
      l.#copies = copies;
      if (l.#closed) for (const c of copies) c.close();
    });
    return self;
  }

  /** Listening handles on the public socket (one until {@link copied}, or if no copy could be made). */
  get acceptHandles(): number {
    return 1 + this.#copies.length;
  }

  /** The public port (the configured one, or the ephemeral one given for port 0). */
  get port(): number {
    return portOf(this.publicServer);
  }

  get internalPort(): number {
    return portOf(this.internalServer);
  }

  /** Connections held on the public listener, not yet handed to the broker. */
  get waiting(): number {
    return this.#held.size;
  }

  /**
   * Hands the held connections to the broker, oldest first, `perTurn` at a time with a turn of the
   * event loop between slices (so an alarm arriving meanwhile is not queued behind thousands of
   * CONNECTs); later connections join the same queue and are handed over at the same pace.
   */
  admit(perTurn = ADMIT_PER_TURN): void {
    if (this.#perTurn > 0 || this.#closed) return;
    this.#perTurn = Math.max(1, perTurn);
    this.#slice();
  }

  /**
   * One slice of the held queue to the broker; again next turn while any are left. A turn in which
   * {@link hold} says so admits no one (an alarm's ack, queued after this turn's slice, goes first).
   */
  #slice(): void {
    if (!this.hold()) for (const s of this.#held.take(this.#perTurn)) this.handle(s, this.#order.get(s) ?? 0);
    this.#pumping = this.#held.size > 0 && !this.#closed;
    if (this.#pumping) setImmediate(() => this.#slice());
  }

  /**
   * Stops both listeners and destroys the held connections; resolves once every connection is
   * gone (the broker closes its own, then {@link destroyAll} the rest).
   */
  close(): Promise<void> {
    const closed = (s: Server) => new Promise<void>((r) => s.close(() => r()));
    this.#closed = true;
    this.#stopCopying.abort();
    const copies = this.copied.then(() => Promise.all(this.#copies.map(closed)));
    const all = Promise.all([closed(this.publicServer), closed(this.internalServer), copies]);
    this.#held.destroyAll();
    return all.then(() => undefined);
  }

  /** Destroys every connection still open (those whose peer went away without a FIN). */
  destroyAll(): void {
    for (const s of this.#sockets) s.destroy();
  }

  private accept(socket: Socket, internal: boolean): void {
    this.#sockets.add(socket);
    const order = ++this.#accepted;
    this.#order.set(socket, order);
    socket.once('close', () => this.#sockets.delete(socket));
    if (internal) {
      this.handle(socket, order);
      return;
    }
    if (this.#closed) {
      socket.destroy();
      return;
    }
    // read, not handed over, until its turn (held-queue.ts)
    socket.on('error', () => socket.destroy());
    this.#held.add(socket);
    if (this.#perTurn > 0 && !this.#pumping) {
      this.#pumping = true;
      setImmediate(() => this.#slice());
    }
  }
}

function listen(server: Server, port: number, host: string, backlog?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ...(backlog === undefined ? {} : { backlog }) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function portOf(server: Server): number {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}
