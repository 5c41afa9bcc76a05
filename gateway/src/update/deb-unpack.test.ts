import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needProgram } from '@baken/hardware/testing/external-program';
import { afterEach, describe, expect, it } from 'vitest';
import { DEB_LIB_DIR, debUnpacker } from './deb-unpack.js';

/** The real install step on a real (tiny) Debian package, built with dpkg-deb in a temp dir. */
describe.skipIf(!needProgram('dpkg-deb'))('debUnpacker (dpkg-deb -x, no root)', () => {
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'baken-deb-unpack-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const deb = (files: Record<string, string>): Buffer => {
    const root = join(temp(), 'root');
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    writeFileSync(
      join(root, 'DEBIAN', 'control'),
      'Package: baken-gateway\nVersion: 0.2.0\nArchitecture: all\nMaintainer: t <t@invalid>\nDescription: test\n',
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const out = join(temp(), 'p.deb');
    execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, out], { stdio: 'pipe' });
    return readFileSync(out);
  };

  it('keeps only the gateway directory of the package as the release', async () => {
    const into = join(temp(), 'releases', '0.2.0.partial');
    mkdirSync(into, { recursive: true });
    await debUnpacker()(
      deb({
        [`${DEB_LIB_DIR}/baken-gateway.mjs`]: 'console.log(1)',
        [`${DEB_LIB_DIR}/VERSION`]: '0.2.0\n',
        'usr/lib/systemd/system/baken-gateway.service': '[Unit]\n',
      }),
      into,
    );
    expect(readdirSync(into).sort()).toEqual(['VERSION', 'baken-gateway.mjs']);
    expect(readdirSync(join(into, '..'))).toEqual(['0.2.0.partial']); // the work dir is gone
  });

  it('refuses a package without the gateway bundle, and bytes that are no package', async () => {
    const into = temp();
    chmodSync(into, 0o755);
    await expect(debUnpacker()(deb({ 'usr/share/doc/x': 'x' }), into)).rejects.toThrow(
      /BAKEN_ERR_UPDATE_INSTALL|no usr/,
    );
    await expect(debUnpacker()(Buffer.from('not a deb'), into)).rejects.toThrow(/dpkg-deb -x failed/);
  });
});
