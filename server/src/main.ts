import { SystemClock } from './clock.js';
import { loadConfig } from './config.js';
import { BakenError } from './errors.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/**
 * Entry point: `tsx server/src/main.ts`. Reads config (file via BAKEN_CONFIG + env), starts the
 * server, prints the URL (and, on an empty database, the first admin login — once, to stdout,
 * never to the log), and shuts down cleanly on SIGTERM/SIGINT.
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
  const server = await startServer({ config, clock: new SystemClock(), logger });
  process.stdout.write(
    `Baken server: ${server.url}  (API docs: ${server.url}/docs, MQTT: ${server.mqttUrl})\n`,
  );
  if (server.firstAdmin)
    process.stdout.write(
      `First admin created — username: ${server.firstAdmin.username}  password: ${server.firstAdmin.password}\n` +
        'Store it now; it is not shown again.\n',
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
  process.stderr.write(`Baken server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
