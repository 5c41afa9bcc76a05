import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '@baken/hardware/clock/system-clock';
import { openRealTransports } from '../bridges/real-transports.js';
import { loadConfig, loadCredentials } from '../config/load-config.js';
import { createGateway, type GatewayTransports } from '../gateway.js';
import { createLogger } from '../logger.js';
import { softwareVersion } from '../version.js';
import { formatCheckReport, publishCheckReport, runInstallationCheck } from './installation-check.js';
import { serverTrialCodes } from './trial-code.js';

export interface CheckCommandArgs {
  configPath: string;
  technician?: string;
  windowS: number;
  json: boolean;
  /** A technician's API token: the check then asks the server for a trial code (REQUIREMENTS §8.5). */
  token?: string;
}

export interface CheckCommandIo {
  out(text: string): void;
  err(text: string): void;
  transports?: GatewayTransports;
}

/**
 * `baken-gateway check` (REQUIREMENTS §8.5): starts the gateway with its configuration and
 * credentials (run it with the daemon stopped: both would use the same client id), walks the
 * technician through the checklist, prints the report and sends it on the `check` topic.
 * Returns true when every step passed.
 */
export async function checkCommand(args: CheckCommandArgs, io: CheckCommandIo): Promise<boolean> {
  const config = loadConfig(args.configPath);
  const credentials = loadCredentials(config.credentialsFile);
  const clock = new SystemClock();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const real = io.transports === undefined ? openRealTransports(clock) : undefined;
  const ca = config.mqtt.caFile === undefined ? undefined : readFileSync(config.mqtt.caFile, 'utf8');
  const gateway = createGateway({
    config,
    credentials,
    clock,
    logger: createLogger('warn'),
    softwareVersion: softwareVersion(),
    outboxPath: join(config.dataDir, 'outbox.db'),
    transports: io.transports ?? (real as NonNullable<typeof real>).transports,
    ...(ca === undefined ? {} : { ca }),
  });
  let revision: number | null = null;
  gateway.bus.on('server-config', (c) => {
    revision = c.revision;
  });
  try {
    await gateway.start();
    const report = await runInstallationCheck({
      gateway,
      clock,
      brokerUrl: config.mqtt.primaryUrl ?? credentials.mqtt.url ?? '',
      serverConfigRevision: () => revision,
      windowMs: args.windowS * 1000,
      prompt: (text) => io.out(text),
      ...(args.technician === undefined ? {} : { technician: args.technician }),
      ...(args.token === undefined ? {} : { trialCode: serverTrialCodes(credentials.server, args.token) }),
    });
    const id = publishCheckReport(gateway, report);
    const end = clock.monotonic() + 10_000;
    while (gateway.outbox.has(id) && clock.monotonic() < end) await clock.sleep(50);
    const sent = !gateway.outbox.has(id);
    io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
    io.out(sent ? 'report sent to the server\n' : 'report queued; it is sent when the server is reachable\n');
    return report.passed;
  } finally {
    await gateway.stop();
    real?.close();
  }
}
