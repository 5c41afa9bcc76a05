import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Aedes } from 'aedes';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** Server key + certificate (PEM) for a TestBroker that speaks mqtts://. */
export interface TestBrokerTls {
  key: string;
  cert: string;
  /** Host name put in `url` (default `localhost`); the broker still listens on 127.0.0.1 only. */
  host?: string;
}

/**
 * A real embedded MQTT broker (aedes over node:net, or node:tls when given `tls`) for tests: it can
 * be stopped and restarted on the same port (a broker outage) and can cut one client's socket (a
 * crash, so the last will fires).
 */
export class TestBroker {
  #broker: Aedes | undefined;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #tls: TestBrokerTls | undefined;
  port = 0;
  /** TLS only: every handshake the server refused or lost (e.g. the client rejected its certificate). */
  readonly tlsErrors: Error[] = [];
  /** TLS only: the SNI name of each completed handshake (`false` when the client sent none). */
  readonly servernames: (string | false)[] = [];

  constructor(tls?: TestBrokerTls) {
    this.#tls = tls;
  }

  get url(): string {
    if (this.#tls) return `mqtts://${this.#tls.host ?? 'localhost'}:${this.port}`;
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  /** Starts on `port` (0: any free port; the chosen one is kept for restarts). */
  async start(port = this.port): Promise<void> {
    const broker = await Aedes.createBroker();
    const accept = (socket: Socket): void => {
      // As a production broker should (Mosquitto: `set_tcp_nodelay true`): without it Nagle's
      // algorithm plus delayed ACKs hold small MQTT packets up to ~40 ms, which dominates alarm latency.
      socket.setNoDelay(true);
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      broker.handle(socket);
    };
    let server: Server;
    if (this.#tls) {
      const tlsServer = createTlsServer({ key: this.#tls.key, cert: this.#tls.cert }, (socket: TLSSocket) => {
        this.servernames.push(socket.servername ?? false);
        accept(socket);
      });
      tlsServer.on('tlsClientError', (err) => this.tlsErrors.push(err));
      server = tlsServer;
    } else {
      server = createServer(accept);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#broker = broker;
    this.#server = server;
  }

  /** Stops accepting and drops every connection (no DISCONNECT is sent: wills fire). */
  async stop(): Promise<void> {
    const server = this.#server;
    const broker = this.#broker;
    this.#server = undefined;
    this.#broker = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  /** Destroys the socket of the client with this id, as if its process were killed. */
  dropClient(clientId: string): Promise<void> {
    const broker = this.#broker;
    if (!broker) throw new Error('broker not running');
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const client = (broker as unknown as { clients: Record<string, { conn: { destroy(): void } }> })
          .clients[clientId];
        if (!client) return false;
        client.conn.destroy();
        resolve();
        return true;
      };
      if (!check()) reject(new Error(`no client ${clientId}`));
    });
  }
}

/** A free TCP port with nothing listening on it (for an unreachable broker URL). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedMessage {
  topic: string;
  payload: Record<string, unknown>;
  retain: boolean;
}

/**
 * A stand-in for the server: subscribes to gateway topics, records messages, and (optionally)
 * acknowledges every event at application level on `…/ack`.
 */
export class TestSubscriber extends EventEmitter<{ message: [ReceivedMessage] }> {
  readonly messages: ReceivedMessage[] = [];
  #client: MqttClient | undefined;
  autoAck: boolean;

  constructor(autoAck = true) {
    super();
    this.autoAck = autoAck;
  }

  /** `options` add to the defaults, e.g. `{ ca }` for an mqtts:// broker with a private CA. */
  async connect(
    url: string,
    topics: string[] = ['baken/v1/gw/#'],
    options: IClientOptions = {},
  ): Promise<void> {
    const client = connect(url, {
      reconnectPeriod: 0,
      clientId: `test-sub-${Math.random().toString(16).slice(2)}`,
      ...options,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.on('error', () => {});
    client.on('message', (topic, buf, packet) => {
      const msg: ReceivedMessage = { topic, payload: JSON.parse(buf.toString()), retain: packet.retain };
      this.messages.push(msg);
      // an ack still in flight when the test closes the subscriber is cut, not an unhandled rejection
      if (this.autoAck && topic.endsWith('/events'))
        this.ack(topic, [String(msg.payload['id'])]).catch(() => undefined);
      this.emit('message', msg);
    });
    await client.subscribeAsync(topics, { qos: 1 });
    this.#client = client;
  }

  async ack(eventsTopic: string, ids: string[]): Promise<void> {
    const ackTopic = eventsTopic.replace(/\/events$/, '/ack');
    await this.#client?.publishAsync(ackTopic, JSON.stringify({ v: 1, ids }), { qos: 1 });
  }

  received(topicSuffix: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.topic.endsWith(`/${topicSuffix}`));
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.endAsync(true).catch(() => undefined);
  }
}

/**
 * Resolves once `cond()` holds, re-checking after every turn of the event loop. A wait on events,
 * never on wall time: the vitest timeout bounds it.
 */
export async function until(cond: () => boolean, what = 'condition', signal?: AbortSignal): Promise<void> {
  while (!cond()) {
    if (signal?.aborted) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
