import { type Logger, pino } from 'pino';

/**
 * Paths pino must never print (house rule 9): passwords, tokens, cookies, authorization headers,
 * keys — at the top level and up to three levels deep.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'token',
  'secret',
  'sessionSecret',
  'csrfToken',
  'key',
  'apiKey',
  'mqttPassword',
  'passwordHash',
  // the PostgreSQL connection URL may carry its password (config.ts, `databaseUrl`)
  'databaseUrl',
];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-baken-csrf"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(opts, destination as pino.DestinationStream) : pino(opts);
}
