import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths redacted from every log line (ARCHITECTURE.md, house rule 9): passwords, tokens, keys and
 * secrets at the top level and up to two levels deep, plus the credentials object as a whole.
 */
export const REDACT_PATHS: readonly string[] = [
  'password',
  'token',
  'key',
  'secret',
  'authorization',
  'credentials',
  '*.password',
  '*.token',
  '*.key',
  '*.secret',
  '*.authorization',
  '*.credentials',
  '*.*.password',
  '*.*.token',
  '*.*.key',
  '*.*.secret',
  'req.headers.authorization',
  'frameHex',
  '*.frameHex',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'baken-gateway' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
