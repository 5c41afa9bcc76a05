import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { type AddressInfo, createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Clock } from '@baken/hardware';
import {
  type Dc09AccountPolicy,
  Dc09Deframer,
  Dc09DuplicateFilter,
  type Dc09TimeWindow,
  type Dc09Verdict,
  dc09CidLabel,
  dc09Printable,
  dc09Receive,
  dc09SiaLabel,
} from '@baken/protocols';

export interface Dc09ListenerOptions {
  host: string;
  /** 0 = any free port (TCP and UDP then get different ones). */
  port: number;
  transports: readonly ('tcp' | 'udp')[];
  /** Accounts with their keys; empty = accept every account, plain only. */
  accounts: ReadonlyMap<string, Uint8Array | undefined>;
  window: Dc09TimeWindow;
  clock: Clock;
  /** One line per message received (and per listening socket). */
  print(line: string): void;
  /** Called after each answered or refused message (the CLI's --count). */
  onMessage?(verdict: Dc09Verdict): void;
}

/**
 * `baken-dc09 listen`: a stand-alone DC-09 receiver over TCP and UDP that prints each message and
 * answers through the protocol engine (`dc09Receive`): ACK, DUH, or NAK with its own time
 * [DC09 SPEC §4.1]. Keys never reach the printed lines.
 */
export class Dc09Listener {
  private tcp: Server | undefined;
  private udp: UdpSocket | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly repeats = new Dc09DuplicateFilter();

  constructor(private readonly o: Dc09ListenerOptions) {}

  async start(): Promise<{ tcp?: AddressInfo; udp?: AddressInfo }> {
    const out: { tcp?: AddressInfo; udp?: AddressInfo } = {};
    if (this.o.transports.includes('tcp')) {
      const server = createServer((s) => this.onConnection(s));
      this.tcp = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.o.port, this.o.host, () => resolve());
      });
      server.on('error', (e) => this.o.print(`TCP server error: ${e.message}`));
      out.tcp = server.address() as AddressInfo;
      this.o.print(`listening on TCP ${out.tcp.address}:${out.tcp.port}`);
    }
    if (this.o.transports.includes('udp')) {
      const socket = createSocket(isIPv6(this.o.host) ? 'udp6' : 'udp4');
      this.udp = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.o.port, this.o.host, () => resolve());
      });
      socket.on('error', (e) => this.o.print(`UDP socket error: ${e.message}`));
      socket.on('message', (msg, rinfo) => {
        const answer = this.handle(new Uint8Array(msg), `UDP ${rinfo.address}:${rinfo.port}`);
        if (answer.length > 0) socket.send(answer, rinfo.port, rinfo.address);
      });
      out.udp = socket.address();
      this.o.print(`listening on UDP ${out.udp.address}:${out.udp.port}`);
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.tcp?.listening ? this.tcp.close(() => r()) : r())),
      new Promise<void>((r) => {
        if (!this.udp) return r();
        try {
          this.udp.close(() => r());
        } catch {
          r(); // never bound
        }
      }),
    ]);
    this.tcp = undefined;
    this.udp = undefined;
  }

  private onConnection(s: Socket): void {
    this.sockets.add(s);
    const deframer = new Dc09Deframer();
    const from = `TCP ${s.remoteAddress}:${s.remotePort}`;
    s.on('data', (chunk: Buffer) => {
      for (const frame of deframer.push(new Uint8Array(chunk))) {
        const answer = this.handle(frame, from);
        if (answer.length > 0) s.write(answer);
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
  }

  private account(account: string): Dc09AccountPolicy | undefined {
    if (this.o.accounts.size === 0) return { window: this.o.window };
    if (!this.o.accounts.has(account)) return undefined;
    const key = this.o.accounts.get(account);
    return key ? { key, window: this.o.window } : { window: this.o.window };
  }

  /** Decides, prints and returns the answer bytes (empty: no answer). */
  private handle(frame: Uint8Array, from: string): Uint8Array {
    const now = this.o.clock.now();
    const v = dc09Receive(frame, {
      now,
      account: (a) => this.account(a),
      random: (n) => new Uint8Array(randomBytes(n)),
    });
    // A repeat is ACKed again (the sender missed the ACK) but marked [DC09 SPEC §4.4].
    const repeat = v.kind === 'ack' && this.repeats.check(v.message, now) === 'repeat' ? ' (repeat)' : '';
    this.o.print(`${new Date(now).toISOString()} ${from} ${describe(v)}${repeat}`);
    if (v.kind === 'nak' || v.kind === 'duh') this.o.print(`  raw: ${dc09Printable(frame)}`);
    this.o.onMessage?.(v);
    return v.kind === 'ignore' ? new Uint8Array() : v.answer;
  }
}

const seq = (n: number): string => String(n).padStart(4, '0');

/** One line for the person watching: what came in and what was answered. */
export function describe(v: Dc09Verdict): string {
  if (v.kind === 'ignore') return `ignored ${v.frame.token} (an answer, not a message)`;
  if (v.kind === 'nak') {
    const who = v.frame
      ? ` ${v.frame.encrypted ? '*' : ''}${v.frame.token} seq ${seq(v.frame.sequence)} account ${v.frame.account || '-'}`
      : '';
    const skew =
      v.skewMs === undefined
        ? ''
        : ` (sender clock ${v.skewMs >= 0 ? '+' : ''}${Math.round(v.skewMs / 1000)} s)`;
    return `NAK${who}: ${v.reason}${skew}${v.error ? ` — ${v.error.code}` : ''}`;
  }
  if (v.kind === 'duh')
    return `DUH ${v.frame.token} seq ${seq(v.frame.sequence)} account ${v.frame.account}: ${v.error.message}`;
  const m = v.message;
  const head = `ACK ${m.encrypted ? '*' : ''}${m.token} seq ${seq(m.sequence)} account ${m.account || '-'}`;
  const where = `${m.receiver === undefined ? '' : ` R${m.receiver}`} L${m.line}`;
  let what = '';
  if (v.cid) {
    const c = v.cid;
    const label = dc09CidLabel(c.qualifier, c.code) ?? 'event code without a Baken label';
    what = ` — ${c.qualifier === 3 ? 'R' : 'E'}${c.code} group ${c.group} zone ${c.zone}: ${label}`;
  } else if (v.sia) {
    what = ` — ${v.sia.events
      .map(
        (e) =>
          `${e.code}${e.address}${e.text ? ` "${e.text}"` : ''}: ${dc09SiaLabel(e.code) ?? 'code without a Baken label'}`,
      )
      .join('; ')}`;
  }
  const ext = m.extended.map((x) => ` [${x.id}${x.value}]`).join('');
  return `${head}${where}${what}${ext}`;
}
