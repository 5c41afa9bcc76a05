import { revealFirstAdmin } from './auth/first-admin.js';
import { SystemClock } from './clock.js';
import { loadConfig } from './config.js';
import { BakenError } from './errors.js';
import { stopOnUncaught, takeLastFault } from './fatal-fault.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/**
 * Entry point: `npx tsx server/src/main.ts` in development; in production its bundle
 * (`npm run build:server` → `node dist/server/baken-server.mjs`, docs/deploy/README.md). Reads config (file via BAKEN_CONFIG + env), starts the
 * server, prints the URL and, on an empty database, how to get the first admin login (never to the
 * log; under a service manager or with captured output only the path of a 0600 file holding it, see
 * `auth/first-admin.ts`), and shuts down cleanly on SIGTERM/SIGINT. An uncaught error stops it with
 * exit code 70 and a fatal log line saying what to do; the next start reports it again
 * (`fatal-fault.ts`).
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`${e instanceof BakenError ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  // An error nobody caught (e.g. inside the embedded broker) stops the process loudly, never silently.
  stopOnUncaught({ logger, dataDir: config.dataDir, now: Date.now });
  const server = await startServer({ config, clock: new SystemClock(), logger });
  const lastFault = takeLastFault(config.dataDir);
  if (lastFault)
    logger.error(
      { code: lastFault.code, previousFault: lastFault },
      `the previous run stopped on a fault at ${new Date(lastFault.at).toISOString()}: ${lastFault.error}. ${lastFault.action}`,
    );
  process.stdout.write(
    `Baken server: ${server.url}  (API docs: ${server.url}/docs, MQTT: ${server.mqttUrl})\n`,
  );
  if (server.firstAdmin)
    process.stdout.write(
      revealFirstAdmin(server.firstAdmin, {
        stdoutIsTTY: process.stdout.isTTY === true,
        env: process.env,
        dataDir: config.dataDir,
      }),
    );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  const what =
    err instanceof BakenError
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  process.stderr.write(`Baken server failed to start: ${what}\n`);
  process.exit(1);
});
