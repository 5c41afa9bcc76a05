import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * An in-process TCP proxy standing for the network between some homes and the server: `cut()`
 * drops every connection through it and refuses new ones (a partition the endpoints notice, as a
 * router restart or a lost mobile link does), `heal()` lets traffic through again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<Socket>();
  private open = true;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((inbound) => {
      inbound.on('error', () => undefined);
      if (!this.open) {
        inbound.destroy();
        return;
      }
      const outbound = connect(this.target.port, this.target.host);
      outbound.on('error', () => inbound.destroy());
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      this.pairs.add(inbound).add(outbound);
      inbound.on('close', () => this.pairs.delete(inbound));
      outbound.on('close', () => this.pairs.delete(outbound));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.open = false;
    for (const s of this.pairs) s.destroy();
  }

  heal(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
