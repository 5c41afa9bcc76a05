import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BakenErrorCode } from './errors.js';
import { PRIVATE_FILE_MODE } from './store/private-files.js';

/** Written to the data folder when the process stops on a fault; read once at the next start. */
export const LAST_FAULT_FILE = 'last-fault.json';
/** EX_SOFTWARE: the service manager sees a failure and starts the server again. */
export const FAULT_EXIT_CODE = 70;

export interface FaultReport {
  /** Epoch ms. */
  at: number;
  code: Extract<BakenErrorCode, 'BAKEN_ERR_BROKER' | 'BAKEN_ERR_INTERNAL'>;
  component: 'mqtt-broker' | 'server';
  /** `RangeError: Maximum call stack size exceeded` */
  error: string;
  /** What the person reading the log should do. */
  action: string;
}

/** Stack frames of the embedded broker: aedes and its routing libraries, and `server/src/broker`. */
const BROKER_FRAME =
  /node_modules[\\/](aedes[^\\/]*|mqemitter|qlobber|mqtt-packet|fastparallel|fastseries|fastfall)[\\/]|[\\/]broker[\\/][^\\/]+\.[jt]s/;

const RECOVERY =
  'The server stops now so that its service manager starts it again (exit code 70); home units ' +
  'reconnect and resend everything the server had not acknowledged, so no alarm is lost.';

/**
 * What an error that nobody caught means to an operator. The broker's own failures (a stack
 * through aedes and its routing libraries) are told apart from the rest, because their remedy
 * differs: docs/scaling.md §6 runs the broker outside the server.
 */
export function describeFault(err: unknown, at: number): FaultReport {
  const e = err instanceof Error ? err : new Error(String(err));
  const error = `${e.name}: ${e.message}`;
  if (BROKER_FRAME.test(e.stack ?? ''))
    return {
      at,
      code: 'BAKEN_ERR_BROKER',
      component: 'mqtt-broker',
      error,
      action: `The embedded MQTT broker failed. ${RECOVERY} Keep this log line (with its stack) and report it. If it happens again, run an external broker (BAKEN_MQTT_URL, docs/scaling.md §6).`,
    };
  return {
    at,
    code: 'BAKEN_ERR_INTERNAL',
    component: 'server',
    error,
    action: `The server hit an error it cannot recover from. ${RECOVERY} Keep this log line (with its stack) and report it.`,
  };
}

export interface FatalOptions {
  logger: Logger;
  /** The data folder (`:memory:`: no fault file). */
  dataDir: string;
  now: () => number;
  /** Plain text for a person watching the terminal or the service manager's journal. */
  stderr?: (line: string) => void;
  exit?: (code: number) => void;
}

/**
 * Stops the process on an error nobody caught, loudly: one `fatal` log line with the code, the
 * stack and what to do, one plain line on stderr, and the report in `<dataDir>/last-fault.json`
 * (0600) for the next start ({@link takeLastFault}). Nothing is resumed: after an uncaught error
 * the broker's or the store's state is unknown, and a clean restart is what keeps alarms safe.
 */
export function stopOnFault(err: unknown, o: FatalOptions): void {
  const report = describeFault(err, o.now());
  try {
    o.logger.fatal(
      { code: report.code, component: report.component, err, action: report.action },
      report.error,
    );
    (o.stderr ?? ((l) => process.stderr.write(l)))(`${report.code}: ${report.error}. ${report.action}\n`);
    if (o.dataDir !== ':memory:')
      writeFileSync(join(o.dataDir, LAST_FAULT_FILE), `${JSON.stringify(report)}\n`, {
        mode: PRIVATE_FILE_MODE,
      });
  } finally {
    (o.exit ?? process.exit)(FAULT_EXIT_CODE);
  }
}

/** Installs {@link stopOnFault} for uncaught exceptions and unhandled rejections; returns the remover. */
export function stopOnUncaught(o: FatalOptions): () => void {
  const handler = (err: unknown) => stopOnFault(err, o);
  process.on('uncaughtException', handler);
  return () => process.off('uncaughtException', handler);
}

/** The fault the previous run stopped on, once: the file is removed when read. */
export function takeLastFault(dataDir: string): FaultReport | null {
  if (dataDir === ':memory:') return null;
  const file = join(dataDir, LAST_FAULT_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FaultReport;
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}
