import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needProgram } from '@baken/hardware/testing/external-program';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, LIB_DIR } from '../../gateway/packaging/build-deb.js';
import { copyNativeModules, foreignBinaries, hostDebArch } from '../../gateway/packaging/native-modules.js';

const gatewayPkg = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../gateway/package.json', import.meta.url)), 'utf8'),
) as { version: string };
const arch = hostDebArch();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('native modules for another architecture (docs/gateway-appliance.md)', () => {
  it.each((['arm64', 'armhf'] as const).filter((a) => a !== arch))(
    '%s: the serial binding comes from its npm prebuilds; the host-built SQLite binary is refused',
    (target) => {
      const dir = mkdtempSync(join(tmpdir(), 'baken-native-'));
      try {
        const copied = copyNativeModules(repoRoot, dir, target);
        const serial = copied.filter((p) => p.includes('bindings-cpp') && p.endsWith('.node'));
        expect(serial.length).toBeGreaterThan(0);
        expect(
          serial.every((p) => p.includes(`prebuilds/linux-${target === 'armhf' ? 'arm' : 'arm64'}/`)),
        ).toBe(true);
        // only better-sqlite3's binary, compiled for this host, is for the wrong machine
        expect(foreignBinaries(dir, target)).toEqual([
          join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
const canBuild = needProgram('dpkg-deb') && arch !== undefined;

describe.skipIf(!canBuild)('the baken-gateway Debian package (built for this host)', () => {
  let work: string;
  let deb: string;
  let tree: string;
  let scripts: string;
  const dpkgDeb = (...args: string[]): string => execFileSync('dpkg-deb', args, { encoding: 'utf8' });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'baken-deb-test-'));
    deb = await buildDeb({ arch: arch!, outDir: join(work, 'out') });
    tree = join(work, 'tree');
    scripts = join(work, 'DEBIAN');
    dpkgDeb('-x', deb, tree);
    dpkgDeb('-e', deb, scripts);
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('says what it is: name, version, architecture, the Node it was built for, the conffile', () => {
    const info = dpkgDeb('-I', deb);
    expect(info).toMatch(/^ Package: baken-gateway$/m);
    expect(info).toMatch(new RegExp(`^ Version: ${gatewayPkg.version.replaceAll('.', '\\.')}$`, 'm'));
    expect(info).toMatch(new RegExp(`^ Architecture: ${arch}$`, 'm'));
    const major = Number(process.versions.node.split('.')[0]);
    expect(info).toMatch(
      new RegExp(
        `^ Depends: nodejs \\(>= [\\d.]+\\), nodejs \\(<< ${major + 1}\\), libc6, libstdc\\+\\+6, systemd`,
        'm',
      ),
    );
    expect(readFileSync(join(scripts, 'conffiles'), 'utf8')).toBe('/etc/baken-gateway/gateway.json\n');
  });

  it('holds the bundle, its two native modules and the system integration files, all root-owned', () => {
    const listing = dpkgDeb('-c', deb).trim().split('\n');
    const paths = listing.map((l) => l.split(/\s+/).slice(5).join(' ').replace(/^\./, ''));
    for (const expected of [
      '/usr/bin/baken-gateway',
      `${LIB_DIR}/baken-gateway.mjs`,
      `${LIB_DIR}/launch`,
      '/usr/share/baken-gateway/release-keys/',
      `${LIB_DIR}/node_modules/better-sqlite3/build/Release/better_sqlite3.node`,
      '/usr/lib/systemd/system/baken-gateway.service',
      '/usr/lib/sysusers.d/baken-gateway.conf',
      '/usr/lib/tmpfiles.d/baken-gateway.conf',
      '/usr/lib/udev/rules.d/70-baken-gateway.rules',
      '/usr/share/dbus-1/system.d/baken-gateway.conf',
      '/etc/baken-gateway/gateway.json',
      '/usr/share/doc/baken-gateway/copyright',
      '/usr/share/doc/baken-gateway/CHANGELOG.md',
      '/usr/share/doc/baken-gateway/changelog.gz',
    ]) {
      expect(paths, expected).toContain(expected);
    }
    expect(
      paths.some((p) => p.includes('/@serialport/bindings-cpp/prebuilds/linux-') && p.endsWith('.node')),
    ).toBe(true);
    for (const line of listing) expect(line.split(/\s+/)[1]).toBe('root/root');
    // shared objects are not executable (Debian policy)
    for (const line of listing.filter((l) => l.endsWith('.node')))
      expect(line.slice(0, 10), line).toBe('-rw-r--r--');
    // only run-time code: no server, browser, compiler or download helpers
    expect(
      paths.filter((p) =>
        /fastify|playwright|swagger|typescript|node-gyp\/|prebuild-install|\/nan\//.test(p),
      ),
    ).toEqual([]);
    const nodeModules = new Set(
      paths.flatMap((p) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1] ?? []),
    );
    expect(nodeModules.size).toBeLessThanOrEqual(12);
    const installedKiB = Number(/Installed-Size: (\d+)/.exec(dpkgDeb('-I', deb))?.[1]);
    expect(installedKiB).toBeLessThan(15 * 1024);
    expect(foreignBinaries(join(tree, LIB_DIR), arch!)).toEqual([]);
  });

  it('names its licence and every bundled third-party package with its licence (DEP-5 copyright)', () => {
    const copyright = readFileSync(join(tree, 'usr', 'share', 'doc', 'baken-gateway', 'copyright'), 'utf8');
    expect(copyright).toMatch(
      /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/$/m,
    );
    expect(copyright).toMatch(/^License: EUPL-1\.2$/m);
    expect(copyright).toContain(' EUROPEAN UNION PUBLIC LICENCE v. 1.2');
    for (const pkg of ['better-sqlite3', 'mqtt', 'pino', 'node-ble', '@serialport/bindings-cpp']) {
      expect(copyright, pkg).toMatch(new RegExp(`^   ${pkg.replace('/', '\\/')}@[\\d.]+: MIT$`, 'm'));
    }
  });

  it('runs: `baken-gateway --help` and `--version` from the bundle with the system node', () => {
    const bundle = join(tree, LIB_DIR, 'baken-gateway.mjs');
    const help = spawnSync(process.execPath, [bundle, '--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^baken-gateway — the Baken home unit/);
    const version = spawnSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(gatewayPkg.version);
    const wrapper = readFileSync(join(tree, 'usr', 'bin', 'baken-gateway'), 'utf8');
    expect(wrapper).toContain(`exec ${LIB_DIR}/launch "$@"`);
    expect(readFileSync(join(tree, LIB_DIR, 'VERSION'), 'utf8').trim()).toBe(gatewayPkg.version);
  });

  it('its native modules load from the package tree alone', () => {
    const lib = join(tree, LIB_DIR);
    const probe = `
      const { createRequire } = require('node:module');
      const req = createRequire(${JSON.stringify(`${lib}/`)});
      const Database = req('better-sqlite3');
      const db = new Database(':memory:');
      const row = db.prepare('select sqlite_version() as v').get();
      const { autoDetect } = req('@serialport/bindings-cpp');
      if (typeof autoDetect().open !== 'function') throw new Error('no serial binding');
      console.log('ok', row.v);`;
    // NODE_PATH cleared and cwd outside the repository: nothing can come from the repo's node_modules
    const result = spawnSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      cwd: work,
      env: { ...process.env, NODE_PATH: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^ok 3\./);
  });

  it('maintainer scripts: postinst creates the user and state dir (throwaway root) and enables the unit', () => {
    for (const s of ['postinst', 'prerm', 'postrm']) {
      expect(spawnSync('sh', ['-n', join(scripts, s)]).status, s).toBe(0);
    }
    // the service manager's tools are recorded, not run: this machine's systemd must not change
    const fakeBin = join(work, 'fake-bin');
    const calls = join(work, 'calls.log');
    mkdirSync(fakeBin);
    for (const tool of ['deb-systemd-helper', 'deb-systemd-invoke', 'systemctl', 'udevadm']) {
      writeFileSync(join(fakeBin, tool), `#!/bin/sh\necho "${tool} $*" >> ${calls}\nexit 0\n`, {
        mode: 0o755,
      });
    }
    const root = join(work, 'root');
    execFileSync('cp', ['-a', `${tree}/.`, root]);
    const env = { ...process.env, PATH: `${fakeBin}:${process.env['PATH']}`, DPKG_ROOT: root };
    const canSysusers = needProgram('systemd-sysusers') && needProgram('systemd-tmpfiles');
    if (canSysusers) {
      const postinst = spawnSync('sh', [join(scripts, 'postinst'), 'configure', ''], {
        env,
        encoding: 'utf8',
      });
      expect(postinst.status, postinst.stderr).toBe(0);
      expect(readFileSync(join(root, 'etc', 'passwd'), 'utf8')).toMatch(/^baken:x:/m);
      expect(readFileSync(calls, 'utf8')).toContain('deb-systemd-helper enable baken-gateway.service');
    }
    const postinst = readFileSync(join(scripts, 'postinst'), 'utf8');
    expect(postinst).toContain('systemd-sysusers');
    expect(postinst).toContain('systemd-tmpfiles');
    expect(postinst).toContain('systemctl --system daemon-reload');
    expect(readFileSync(join(scripts, 'prerm'), 'utf8')).toContain(
      'deb-systemd-invoke stop baken-gateway.service',
    );
    const postrm = spawnSync('sh', [join(scripts, 'postrm'), 'purge'], { env, encoding: 'utf8' });
    expect(postrm.status, postrm.stderr).toBe(0);
    expect(spawnSync('test', ['-e', join(root, 'var', 'lib', 'baken-gateway')]).status).toBe(1);
  });
});
