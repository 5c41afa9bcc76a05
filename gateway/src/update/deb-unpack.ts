import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GatewayError } from '../errors.js';

const run = promisify(execFile);

/** Where the package keeps the gateway bundle, inside the .deb (gateway/packaging/build-deb.ts). */
export const DEB_LIB_DIR = 'usr/lib/baken-gateway';

/**
 * The real install step: extracts a verified .deb with `dpkg-deb -x` and keeps only the gateway's own
 * directory (the bundle and its native modules) as the new release. Runs as the service user: no root,
 * no maintainer scripts (the systemd unit, udev rules and the launcher change only with `apt`).
 */
export function debUnpacker(opts: { dpkgDeb?: string } = {}) {
  return async (pkg: Buffer, intoDir: string): Promise<void> => {
    const work = mkdtempSync(join(intoDir, '..', '.unpack-'));
    try {
      const deb = join(work, 'package.deb');
      writeFileSync(deb, pkg, { mode: 0o600 });
      try {
        await run(opts.dpkgDeb ?? 'dpkg-deb', ['-x', deb, join(work, 'root')]);
      } catch (err) {
        throw new GatewayError(
          'BAKEN_ERR_UPDATE_INSTALL',
          `dpkg-deb -x failed: ${String(err).slice(0, 200)}`,
        );
      }
      const lib = join(work, 'root', DEB_LIB_DIR);
      let names: string[];
      try {
        names = readdirSync(lib);
      } catch {
        throw new GatewayError('BAKEN_ERR_UPDATE_INSTALL', `the package has no ${DEB_LIB_DIR}`);
      }
      if (!names.includes('baken-gateway.mjs')) {
        throw new GatewayError('BAKEN_ERR_UPDATE_INSTALL', 'the package has no baken-gateway.mjs');
      }
      for (const name of names) renameSync(join(lib, name), join(intoDir, name));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };
}
