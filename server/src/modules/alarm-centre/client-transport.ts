import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Dc09Deframer } from '@baken/protocols';
import type { Clock } from '../../clock.js';
import type { Transport } from './out-account-store.js';

export interface Endpoint {
  host: string;
  port: number;
  transport: Transport;
}

/** What one exchange came to: the receiver's answer (one frame's bytes) or why there was none. */
export type ExchangeResult =
  | { ok: true; reply: Buffer }
  | { ok: false; error: 'timeout' | 'connect' | 'closed' };

/**
 * Sends one frame to a receiver and waits for its one-frame answer, on a connection of its own
 * (TCP) or a socket of its own (UDP), so an answer always belongs to the frame just sent. The
 * wait is timed on the injected clock.
 */
export function exchange(
  clock: Clock,
  to: Endpoint,
  frame: Uint8Array,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    let done = false;
    let cleanup = () => {};
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      cleanup();
      resolve(r);
    };
    const timer = clock.setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
    // stopping the sender closes what is in flight; the message stays queued
    if (signal?.aborted) return finish({ ok: false, error: 'closed' });
    signal?.addEventListener('abort', () => finish({ ok: false, error: 'closed' }), { once: true });
    const onFrames = (frames: Uint8Array[]) => {
      if (frames[0]) finish({ ok: true, reply: Buffer.from(frames[0]) });
    };
    if (to.transport === 'udp') {
      const sock = createSocket(to.host.includes(':') ? 'udp6' : 'udp4');
      cleanup = () => sock.close();
      sock.on('error', () => finish({ ok: false, error: 'connect' }));
      // a datagram is one frame [DC09 SPEC]
      sock.on('message', (msg) => onFrames([new Uint8Array(msg)]));
      sock.send(frame, to.port, to.host, (err) => {
        if (err) finish({ ok: false, error: 'connect' });
      });
      return;
    }
    const sock = connect({ host: to.host, port: to.port });
    sock.setNoDelay(true);
    cleanup = () => sock.destroy();
    let connected = false;
    sock.on('connect', () => {
      connected = true;
      sock.write(frame);
    });
    const deframer = new Dc09Deframer();
    sock.on('data', (chunk: Buffer) => onFrames(deframer.push(new Uint8Array(chunk))));
    sock.on('error', () => finish({ ok: false, error: connected ? 'closed' : 'connect' }));
    sock.on('close', () => finish({ ok: false, error: connected ? 'closed' : 'connect' }));
  });
}
