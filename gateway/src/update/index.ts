import { join } from 'node:path';
import type { Clock } from '@baken/hardware';
import type { Credentials, GatewayConfig } from '../config/schema.js';
import type { Extension } from '../extension.js';
import type { GatewayContext } from '../gateway.js';
import { debUnpacker } from './deb-unpack.js';
import { postUpdateProbe, type UpdateHealthSource } from './health-probe.js';
import { packagedVersion, ReleaseLayout } from './release-layout.js';
import { httpReleaseSource, type ReleaseSource } from './release-source.js';
import { loadTrustedReleaseKeys } from './trusted-keys.js';
import { UpdateAgent, type UpdateAgentOptions } from './update-agent.js';

export { postUpdateProbe } from './health-probe.js';
export { ReleaseLayout, type TrialRecord, type UpdateResult } from './release-layout.js';
export { httpReleaseSource, type ReleaseSource } from './release-source.js';
export { loadTrustedReleaseKeys, RELEASE_KEYS_DIR } from './trusted-keys.js';
export { UpdateAgent, type UpdateAgentOptions, type UpdateProbe } from './update-agent.js';

export interface UpdateExtensionOptions {
  config: GatewayConfig;
  credentials: Credentials;
  runningVersion: string;
  /** The running gateway, for the post-update health check (set once it is created). */
  gateway: () => UpdateHealthSource | undefined;
  restart: () => void;
  /** Overrides for tests: the download, the install step. */
  source?: ReleaseSource;
  unpack?: UpdateAgentOptions['unpack'];
  clock?: Clock;
}

/**
 * The update agent as a gateway extension with the real bindings: the layout under
 * `updates.appDir`, keys from `updates.keysDir`, downloads from the provisioning server with the
 * unit's own credentials, `dpkg-deb` to unpack. Null when updates are turned off.
 */
export function updateExtension(o: UpdateExtensionOptions): ((ctx: GatewayContext) => Extension) | null {
  const u = o.config.updates;
  if (!u.enabled) return null;
  return (ctx) => {
    const log = ctx.logger.child({ part: 'update' });
    return new UpdateAgent(
      {
        gatewayId: ctx.gatewayId,
        bus: ctx.bus,
        devices: ctx.devices,
        clock: o.clock ?? ctx.clock,
        logger: log,
      },
      {
        layout: new ReleaseLayout(u.appDir ?? join(o.config.dataDir, 'app'), {
          dir: u.packagedDir,
          version: packagedVersion(u.packagedDir) ?? o.runningVersion,
        }),
        runningVersion: o.runningVersion,
        trustedKeys: () => loadTrustedReleaseKeys(u.keysDir, log),
        source:
          o.source ??
          httpReleaseSource({
            server: o.credentials.server,
            username: o.credentials.mqtt.username,
            password: o.credentials.mqtt.password,
          }),
        unpack: o.unpack ?? debUnpacker(),
        probe: (links) => {
          const gw = o.gateway();
          return gw ? postUpdateProbe(gw)(links) : { ok: false, reason: 'the gateway is not running' };
        },
        restart: o.restart,
        healthDeadlineMs: u.healthDeadlineMs,
        ...(DEB_ARCH[process.arch] === undefined ? {} : { arch: DEB_ARCH[process.arch] }),
      },
    );
  };
}

/** Node's `process.arch` → the Debian architecture of the package built for it (build-deb.ts). */
const DEB_ARCH: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf' };
