import { createServer, type Server, type Socket } from 'node:net';

/** Accept-queue depth asked for on the public listener (the kernel caps it at `net.core.somaxconn`). */
export const PUBLIC_BACKLOG = 65_535;

/**
 * Held units handed to the broker per turn of the event loop. A unit's CONNECT, SUBSCRIBE and
 * `online` (with health's evaluation of it) cost about a millisecond of CPU, so a slice of 200 held
 * the loop for 0.2-0.5 s on a busy machine: an alarm from a connected home, and the next accept
 * (libuv accepts one connection per turn), waited that long. A slice of 50 keeps turns to tens of
 * milliseconds.
 */
export const ADMIT_PER_TURN = 50;

/**
 * The embedded broker's two TCP listeners (broker README, "Start under a reconnect storm"):
 * - the **internal** one, on loopback and an ephemeral port, for the server's own MQTT client; it
 *   hands each connection to the broker at once;
 * - the **public** one, on the configured address, for home units. It is bound at once (so its port
 *   is known and taken), but until {@link admit} the connections it accepts are held unread: their
 *   CONNECT waits in the kernel's buffer instead of reaching the broker. After a restart, thousands
 *   of units reconnect at once; holding them until the server has started means the server's own
 *   client and start-up are not queued behind their CONNECTs, and no unit's message reaches a
 *   broker whose ingest has not subscribed yet. Held units are not refused, so they do not back off.
 *
 * Every accepted socket has Nagle's algorithm off (README, "Latency"). `close` stops both listeners
 * and destroys every socket still open, held ones included.
 *
 * The public listener's accept queue is {@link PUBLIC_BACKLOG} deep (Node's default is 511): while
 * the event loop is busy (start-up, a turn of the storm), thousands of units complete their TCP
 * handshake at once, and each one over the queue has its handshake dropped and retries its SYN 1,
 * 3, 7, 15 s later — past a unit's CONNACK timeout, which makes it back off further (README,
 * "Start under a reconnect storm").
 */
export class BrokerListeners {
  readonly #sockets = new Set<Socket>();
  readonly #order = new WeakMap<Socket, number>();
  #accepted = 0;
  /** Held public connections, in arrival order; null once admitted. */
  #held: Set<Socket> | null = new Set();

  private constructor(
    private readonly publicServer: Server,
    private readonly internalServer: Server,
    private readonly handle: (socket: Socket, order: number) => void,
  ) {}

  static async open(o: {
    host: string;
    port: number;
    /** `order`: the connection's place in accept order (1, 2, …), whenever it is handed over. */
    handle: (socket: Socket, order: number) => void;
  }): Promise<BrokerListeners> {
    let self: BrokerListeners | undefined;
    const pub = createServer({ noDelay: true }, (s) => self?.accept(s, false));
    const internal = createServer({ noDelay: true }, (s) => self?.accept(s, true));
    self = new BrokerListeners(pub, internal, o.handle);
    await listen(internal, 0, '127.0.0.1');
    try {
      await listen(pub, o.port, o.host, PUBLIC_BACKLOG);
    } catch (e) {
      internal.close();
      throw e;
    }
    return self;
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
    return this.#held?.size ?? 0;
  }

  /**
   * Hands the held connections to the broker, oldest first, `perTurn` at a time with a turn of the
   * event loop between slices (so an alarm arriving meanwhile is not queued behind thousands of
   * CONNECTs); every later connection goes to the broker at once.
   */
  admit(perTurn = ADMIT_PER_TURN): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    const queue = [...held];
    let next = 0;
    const slice = () => {
      for (const end = Math.min(queue.length, next + perTurn); next < end; next++) {
        const s = queue[next]!;
        if (!s.destroyed) this.handle(s, this.#order.get(s) ?? 0);
      }
      if (next < queue.length) setImmediate(slice);
    };
    slice();
  }

  /**
   * Stops both listeners and destroys the held connections; resolves once every connection is
   * gone (the broker closes its own, then {@link destroyAll} the rest).
   */
  close(): Promise<void> {
    const closed = (s: Server) => new Promise<void>((r) => s.close(() => r()));
    const both = Promise.all([closed(this.publicServer), closed(this.internalServer)]);
    for (const s of this.#held ?? []) s.destroy();
    this.#held = null;
    return both.then(() => undefined);
  }

  /** Destroys every connection still open (those whose peer went away without a FIN). */
  destroyAll(): void {
    for (const s of this.#sockets) s.destroy();
  }

  private accept(socket: Socket, internal: boolean): void {
    this.#sockets.add(socket);
    const order = ++this.#accepted;
    this.#order.set(socket, order);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      this.#held?.delete(socket);
    });
    if (!internal && this.#held) {
      // unread until admitted: no 'data' listener yet, so the socket stays paused
      socket.on('error', () => socket.destroy());
      this.#held.add(socket);
      return;
    }
    this.handle(socket, order);
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
