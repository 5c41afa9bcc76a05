import { createConnection } from 'node:net';

/** Failure reasons (`errorText`) that mean the broker did not answer at all, or went away. */
export const UNREACHABLE =
  /^(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPIPE)\b|closed|timeout/i;

/** Whether a TCP connection to the URL's host and port opens within `timeoutMs` (closed at once). */
export function tcpReachable(url: string, timeoutMs: number): Promise<boolean> {
  let host: string;
  let port: number;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = u.protocol === 'mqtts:' || u.protocol === 'wss:';
    const fallback = u.protocol.startsWith('ws') ? (secure ? 443 : 80) : secure ? 8883 : 1883;
    port = u.port === '' ? fallback : Number(u.port);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
