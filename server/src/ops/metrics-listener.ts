import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { BakenError } from '../errors.js';
import type { Metrics } from '../metrics.js';

export interface MetricsListenerOptions {
  host: string;
  port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Prometheus metrics on their own HTTP listener, apart from the API port: what the server counts
 * (refusals by reason, request rates, event-loop lag) tells an attacker what works, so it is not
 * open to whoever reaches the API. Loopback by default; with `token`, a scrape must carry it
 * (compared in constant time). Only `GET /metrics` is served; anything else is 404.
 */
export async function startMetricsListener(
  opts: MetricsListenerOptions,
  metrics: Metrics,
  logger: Logger,
): Promise<MetricsListener> {
  const log = logger.child({ component: 'metrics-listener' });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (opts.token !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), digest(opts.token))) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
          .end('BAKEN_ERR_UNAUTHENTICATED: the metrics token is missing or wrong\n');
        return;
      }
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err: unknown) => {
        log.error({ err }, 'metrics collection failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('BAKEN_ERR_INTERNAL\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) =>
      reject(
        new BakenError(
          'BAKEN_ERR_CONFIG',
          500,
          `Cannot serve metrics on ${opts.host}:${opts.port} (${err.message}); choose another with BAKEN_METRICS_PORT.`,
          { cause: err },
        ),
      );
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  log.info({ host: opts.host, port, tokenRequired: opts.token !== undefined }, 'metrics listening');
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
