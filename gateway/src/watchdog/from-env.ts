import type { Clock } from '@baken/hardware';
import type { Logger } from 'pino';
import { type GatewayHealthProbe, gatewayCheck } from './gateway-checks.js';
import { type Notifier, readSystemdEnv, SystemdNotify } from './sd-notify.js';
import { Watchdog } from './watchdog.js';

export interface SystemdWatchdogOptions {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  gateway: GatewayHealthProbe;
  /** Default: `systemd-notify` with `env`. */
  notifier?: Notifier;
}

/**
 * The watchdog `main.ts` runs under systemd (docs/gateway-appliance.md): `undefined` when the process
 * was not started by a `Type=notify` unit (`NOTIFY_SOCKET` unset), e.g. `baken-gateway run` by hand.
 */
export function systemdWatchdog(opts: SystemdWatchdogOptions): Watchdog | undefined {
  const { notifySocket, watchdogMs } = readSystemdEnv(opts.env);
  if (notifySocket === undefined) return undefined;
  return new Watchdog(
    opts.clock,
    opts.notifier ?? new SystemdNotify({ env: opts.env }),
    [gatewayCheck(opts.gateway)],
    opts.logger,
    watchdogMs === undefined ? {} : { watchdogMs },
  );
}
