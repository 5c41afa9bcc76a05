import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { Dc09Deframer } from '@baken/protocols';
import type { FastifyBaseLogger } from 'fastify';
import type { Peer } from './inbound.js';

const MAX_CONNECTIONS = 512;

export interface ListenerOptions {
  host: string;
  /** One port number for both TCP and UDP; 0 picks free ports (tests). */
  port: number;
  /** The answer to one frame, or null for none; never rejects. */
  handle: (raw: Uint8Array, peer: Peer) => Promise<Uint8Array | null>;
  log: FastifyBaseLogger;
}

/** The DC-09 receiver's sockets: TCP and UDP on one port, every frame handed to `handle`. */
export class Dc09Listener {
  private tcp: Server | null = null;
  private udp: UdpSocket | null = null;
  private readonly sockets = new Set<Socket>();
  tcpPort = 0;
  udpPort = 0;

  constructor(private readonly o: ListenerOptions) {}

  async start(): Promise<void> {
    const tcp = createServer((s) => this.accept(s));
    tcp.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.o.port, this.o.host, () => resolve());
    });
    this.tcp = tcp;
    const addr = tcp.address();
    this.tcpPort = typeof addr === 'object' && addr ? addr.port : 0;
    const udp = createSocket(this.o.host.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', (msg, rinfo) => {
      const peer: Peer = { address: `${rinfo.address}:${rinfo.port}`, transport: 'udp' };
      void this.o.handle(new Uint8Array(msg), peer).then((reply) => {
        if (reply && this.udp === udp) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    udp.on('error', (err) => this.o.log.error({ err }, 'DC-09 UDP receiver error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      // the same port as TCP, so one number goes into the panel's configuration
      udp.bind(this.o.port === 0 ? 0 : this.o.port, this.o.host, () => resolve());
    });
    this.udp = udp;
    this.udpPort = udp.address().port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const tcp = this.tcp;
    this.tcp = null;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }

  private accept(s: Socket): void {
    this.sockets.add(s);
    s.setNoDelay(true);
    const peer: Peer = { address: `${s.remoteAddress}:${s.remotePort}`, transport: 'tcp' };
    const deframer = new Dc09Deframer();
    // one frame at a time per connection: the answers go out in the order the frames came
    let answered = Promise.resolve();
    s.on('data', (chunk: Buffer) => {
      for (const f of deframer.push(new Uint8Array(chunk)))
        answered = answered.then(async () => {
          const reply = await this.o.handle(f, peer);
          if (reply && !s.destroyed) s.write(reply);
        });
    });
    s.on('error', () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
  }
}
