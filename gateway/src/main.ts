import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '@baken/hardware/clock/system-clock';
import type { Logger } from 'pino';
import { defaultBridges } from './bridges/index.js';
import { openRealTransports } from './bridges/real-transports.js';
import { loadConfig, loadCredentials } from './config/load-config.js';
import { GatewayError } from './errors.js';
import { createGateway, type Gateway } from './gateway.js';
import { stopWithDeadline } from './health/shutdown.js';
import { createLogger } from './logger.js';
import { updateExtension } from './update/index.js';
import { softwareVersion } from './version.js';
import { systemdWatchdog } from './watchdog/from-env.js';

export interface RunOptions {
  configPath: string;
}

/**
 * The only place that chooses real bindings (ARCHITECTURE.md): SystemClock, serialport, node-ble on
 * the system D-Bus (`openRealTransports`: loaded and opened lazily, on the first use by a bridge). Resolves when the
 * gateway has shut down cleanly after SIGTERM/SIGINT.
 */
export async function runGateway(opts: RunOptions): Promise<void> {
  const config = loadConfig(opts.configPath);
  const credentials = loadCredentials(config.credentialsFile);
  const logger = createLogger(config.log.level);
  const clock = new SystemClock();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let ca: string | undefined;
  if (config.mqtt.caFile !== undefined) {
    try {
      ca = readFileSync(config.mqtt.caFile, 'utf8');
    } catch (err) {
      throw new GatewayError(
        'BAKEN_ERR_CONFIG',
        `mqtt.caFile: cannot read ${config.mqtt.caFile}: ${String(err)}`,
        {
          fields: ['mqtt.caFile'],
        },
      );
    }
  }
  // node-ble and serialport are loaded on first use; no system D-Bus is reported, not fatal
  const real = openRealTransports(clock);
  let running: Gateway | undefined;
  // server-pushed updates (docs/gateway-appliance.md, "Updates"): a restart is a clean stop, then
  // systemd starts the launcher, which runs the release `current` points at
  const update = updateExtension({
    config,
    credentials,
    runningVersion: softwareVersion(),
    gateway: () => running,
    restart: () => process.kill(process.pid, 'SIGTERM'),
  });
  const gateway = createGateway({
    config,
    credentials,
    clock,
    logger,
    softwareVersion: softwareVersion(),
    outboxPath: join(config.dataDir, 'outbox.db'),
    transports: real.transports,
    ...(ca === undefined ? {} : { ca }),
    ...(update === null ? {} : { extensions: [...defaultBridges(), update] }),
  });
  running = gateway;
  await gateway.start();
  // under systemd (Type=notify): READY=1 now, WATCHDOG=1 only while healthy (docs/gateway-appliance.md)
  const watchdog = systemdWatchdog({
    env: process.env,
    clock,
    logger: logger.child({ part: 'watchdog' }),
    gateway,
  });
  watchdog?.start();
  await waitForSignal(gateway, logger, clock, () => watchdog?.stop());
  real.close();
}

function waitForSignal(
  gateway: Gateway,
  logger: Logger,
  clock: SystemClock,
  onStopping: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      onStopping();
      // bounded: a device that went away must not keep the unit from exiting [gateway/README.md "Shutdown"]
      stopWithDeadline(() => gateway.stop(), {
        clock,
        log: logger,
        exit: (code) => process.exit(code),
      }).finally(() => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
