import { join } from 'node:path';
import type { GatewayConfig } from '../config/schema.js';
import { packagedVersion, ReleaseLayout, type UpdateResult } from './release-layout.js';

/** What `baken-gateway status` shows of server-pushed updates (docs/gateway-appliance.md, "Updates"). */
export interface UpdateStatus {
  enabled: boolean;
  /** The release the launcher starts: a pushed version, or the packaged one. */
  current: string;
  previous: string | null;
  /** A new version proving its health right now. */
  trial: { version: string; boots: number } | null;
  /** The last outcome not yet reported to the server. */
  unreported: Omit<UpdateResult, 'id'> | null;
  /** Versions that rolled back here and are never taken again. */
  failed: string[];
}

/**
 * Reads the release layout of `config` (files only; the running gateway need not be up). `running`
 * names the packaged version when the package has no `VERSION` file (a source checkout).
 */
export function readUpdateStatus(config: GatewayConfig, running: string): UpdateStatus {
  const u = config.updates;
  const layout = new ReleaseLayout(u.appDir ?? join(config.dataDir, 'app'), {
    dir: u.packagedDir,
    version: packagedVersion(u.packagedDir) ?? running,
  });
  const trial = layout.trial();
  const result = layout.result();
  return {
    enabled: u.enabled,
    current: layout.currentVersion(),
    previous: layout.previousVersion(),
    trial: trial === null ? null : { version: trial.version, boots: layout.trialBoots() },
    unreported:
      result === null
        ? null
        : {
            version: result.version,
            state: result.state,
            ...(result.reason ? { reason: result.reason } : {}),
          },
    failed: layout.failedVersions(),
  };
}

/** The status lines (`release:`, and `update:` while one is on trial or unreported). */
export function formatUpdateStatus(s: UpdateStatus): string[] {
  const lines = [
    `release:       ${s.current}${s.previous === null ? '' : ` (previous ${s.previous})`}${s.enabled ? '' : ', updates off'}`,
  ];
  if (s.trial)
    lines.push(
      `update:        ${s.trial.version} ON TRIAL, checking its health (start ${s.trial.boots || 1} of at most 3)`,
    );
  if (s.unreported) {
    const why = s.unreported.reason === undefined ? '' : `: ${s.unreported.reason}`;
    lines.push(
      `update:        ${s.unreported.version} ${s.unreported.state.replace('_', ' ')}${why} (not reported yet)`,
    );
  }
  if (s.failed.length > 0) lines.push(`refused:       ${s.failed.join(', ')} (rolled back here before)`);
  return lines;
}
