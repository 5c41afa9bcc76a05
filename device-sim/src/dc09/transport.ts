import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { Clock } from '@baken/hardware';
import { Dc09Deframer } from '@baken/protocols';

export type Dc09Transport = 'tcp' | 'udp';

export type ExchangeResult =
  | { kind: 'reply'; bytes: Uint8Array }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

export interface ExchangeOptions {
  host: string;
  port: number;
  transport: Dc09Transport;
  frame: Uint8Array;
  timeoutMs: number;
  clock: Clock;
}

/**
 * Sends one frame and waits for the first frame back — over TCP (one connection, closed after the
 * answer) or UDP (one datagram each way). The timeout runs on the injected clock.
 */
export function exchange(o: ExchangeOptions): Promise<ExchangeResult> {
  return o.transport === 'tcp' ? overTcp(o) : overUdp(o);
}

function overTcp(o: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: o.host, port: o.port });
    const deframer = new Dc09Deframer();
    let done = false;
    const finish = (r: ExchangeResult): void => {
      if (done) return;
      done = true;
      o.clock.clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = o.clock.setTimeout(() => finish({ kind: 'timeout' }), o.timeoutMs, { unref: true });
    socket.on('connect', () => socket.write(o.frame));
    socket.on('data', (chunk: Buffer) => {
      const [first] = deframer.push(new Uint8Array(chunk));
      if (first) finish({ kind: 'reply', bytes: first });
    });
    socket.on('error', (e) => finish({ kind: 'error', message: e.message }));
    socket.on('close', () =>
      finish({ kind: 'error', message: 'the receiver closed the connection without answering' }),
    );
  });
}

function overUdp(o: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(o.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (r: ExchangeResult): void => {
      if (done) return;
      done = true;
      o.clock.clearTimeout(timer);
      socket.close();
      resolve(r);
    };
    const timer = o.clock.setTimeout(() => finish({ kind: 'timeout' }), o.timeoutMs, { unref: true });
    socket.on('message', (msg: Buffer) => finish({ kind: 'reply', bytes: new Uint8Array(msg) }));
    socket.on('error', (e) => finish({ kind: 'error', message: e.message }));
    socket.send(o.frame, o.port, o.host, (e) => {
      if (e) finish({ kind: 'error', message: e.message });
    });
  });
}
