#!/usr/bin/env -S npx tsx
/**
 * Builds the home unit's Debian package (docs/gateway-appliance.md):
 *
 *   npx tsx gateway/packaging/build-deb.ts [--arch amd64|arm64|armhf] [--out DIR]
 *                                          [--better-sqlite3-binary FILE]
 *
 * The gateway is bundled by esbuild into one file; only its native modules (better-sqlite3,
 * @serialport/bindings-cpp) ship beside it as packages. For another architecture than the build host's,
 * the serial binding comes from the prebuilds inside its npm package; better-sqlite3 ships no binaries
 * in its npm package, so its binary for the target must be given (`--better-sqlite3-binary`, built on
 * a unit with `npm ci`) or is fetched by prebuild-install from the project's release downloads. Every
 * `.node` file is checked to be an ELF object for the target before the package is written.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { GATEWAY_BUNDLE_OPTIONS } from './bundle-options.js';
import { copyrightFile, debianChangelog, shippedPackages } from './debian-docs.js';
import {
  ARCHES,
  copyNativeModules,
  type DebArch,
  foreignBinaries,
  hostDebArch,
  isDebArch,
} from './native-modules.js';

const here = dirname(fileURLToPath(import.meta.url));
const gatewayDir = resolve(here, '..');
const repoRoot = resolve(gatewayDir, '..');
export const PACKAGE = 'baken-gateway';
/** Where the bundle and its native modules live on the unit. */
export const LIB_DIR = '/usr/lib/baken-gateway';
const MAINTAINER = 'Baken project <baken@invalid>';

export interface BuildOptions {
  arch: DebArch;
  outDir: string;
  betterSqlite3Binary?: string;
}

/** Files from packaging/files and where the package installs them (mode). */
const INSTALL: readonly [string, string, number][] = [
  ['baken-gateway.service', '/usr/lib/systemd/system/baken-gateway.service', 0o644],
  ['baken-gateway.sysusers', '/usr/lib/sysusers.d/baken-gateway.conf', 0o644],
  ['baken-gateway.tmpfiles', '/usr/lib/tmpfiles.d/baken-gateway.conf', 0o644],
  ['70-baken-gateway.rules', '/usr/lib/udev/rules.d/70-baken-gateway.rules', 0o644],
  ['baken-gateway-dbus.conf', '/usr/share/dbus-1/system.d/baken-gateway.conf', 0o644],
  ['gateway.json', '/etc/baken-gateway/gateway.json', 0o640],
];

function gatewayVersion(): string {
  const pkg = JSON.parse(readFileSync(join(gatewayDir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The control file. better-sqlite3 is built for one Node ABI, so the package pins the Node major. */
export function controlFile(version: string, arch: DebArch, installedKiB: number, nodeMajor: number): string {
  return `${[
    `Package: ${PACKAGE}`,
    `Version: ${version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${installedKiB}`,
    `Depends: nodejs (>= ${nodeMajor === 20 ? '20.11' : `${nodeMajor}`}), nodejs (<< ${nodeMajor + 1}), libc6, libstdc++6, systemd | systemd-sysusers, init-system-helpers (>= 1.54~)`,
    'Recommends: bluez, dbus',
    'Section: misc',
    'Priority: optional',
    'Homepage: https://github.com/baken/baken',
    'Description: Baken home unit gateway (care alarms and key safes)',
    ' Bridges care-alarm pendants (BLE) and electronic key safes (serial, BLE) to',
    ' the Baken server over MQTT, keeping every alarm on disk until the server',
    ' acknowledges it. Runs as a hardened systemd service with a watchdog.',
  ].join('\n')}\n`;
}

/** Bundles the gateway; returns the files esbuild read (for the copyright file). */
async function bundle(outfile: string, version: string): Promise<string[]> {
  const result = await build({
    ...GATEWAY_BUNDLE_OPTIONS,
    entryPoints: [join(gatewayDir, 'src', 'cli', 'entry.ts')],
    outfile,
    legalComments: 'eof',
    metafile: true,
    define: { __BAKEN_GATEWAY_VERSION__: JSON.stringify(version) },
  });
  return Object.keys(result.metafile.inputs);
}

/** Shared objects are not executable (Debian policy); the host's own are stripped of debug symbols. */
function tidyBinaries(libDir: string, files: readonly string[], arch: DebArch): void {
  for (const file of files.filter((f) => f.endsWith('.node'))) {
    const path = join(libDir, file);
    chmodSync(path, 0o644);
    if (arch === hostDebArch()) {
      try {
        execFileSync('strip', ['--strip-unneeded', path], { stdio: 'pipe' });
      } catch {
        // no binutils: the package is only larger
      }
    }
  }
}

/** The date of the last commit (reproducible builds), else now. */
function releaseDate(): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%cD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return new Date().toUTCString().replace('GMT', '+0000');
  }
}

function placeBetterSqlite3(libDir: string, opts: BuildOptions, nodeVersion: string): void {
  const target = join(libDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (opts.betterSqlite3Binary !== undefined) {
    cpSync(opts.betterSqlite3Binary, target);
    return;
  }
  if (opts.arch === hostDebArch()) return; // the host's compiled module is already in place
  // prebuild-install downloads the release binary for the target into build/Release
  const pkgDir = join(libDir, 'node_modules', 'better-sqlite3');
  rmSync(target, { force: true });
  try {
    execFileSync(
      join(repoRoot, 'node_modules', '.bin', 'prebuild-install'),
      ['--platform', 'linux', '--arch', ARCHES[opts.arch].node, '--runtime', 'node', '--target', nodeVersion],
      { cwd: pkgDir, stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(
      `BAKEN_ERR_PACKAGE: no better-sqlite3 binary for ${opts.arch} (Node ${nodeVersion}): prebuild-install failed ` +
        `(${String((err as { stderr?: Buffer }).stderr ?? err).trim()}). Build it on a ${opts.arch} unit ` +
        '(`npm ci` there) and pass --better-sqlite3-binary node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
  }
}

/** Where the package installs the release public keys a unit trusts [RELEASE SPEC §1]. */
export const RELEASE_KEYS_DIR = '/usr/share/baken-gateway/release-keys';

/**
 * What server-pushed updates need (docs/gateway-appliance.md, "Updates"): the launcher, the version
 * beside the bundle, and the release public keys of packaging/release-keys/ (0644).
 */
function installUpdateFiles(root: string, libDir: string, version: string): void {
  cpSync(join(here, 'files', 'baken-gateway-launch'), join(libDir, 'launch'));
  chmodSync(join(libDir, 'launch'), 0o755);
  writeFileSync(join(libDir, 'VERSION'), `${version}\n`, { mode: 0o644 });
  const keys = join(root, RELEASE_KEYS_DIR);
  mkdirSync(keys, { recursive: true });
  const source = join(here, 'release-keys');
  for (const name of existsSync(source) ? readdirSync(source) : []) {
    if (!name.endsWith('.pub')) continue;
    cpSync(join(source, name), join(keys, name));
    chmodSync(join(keys, name), 0o644);
  }
}

/** Builds the package; returns the path of the `.deb`. */
export async function buildDeb(opts: BuildOptions): Promise<string> {
  const version = gatewayVersion();
  const nodeVersion = process.versions.node;
  const nodeMajor = Number(nodeVersion.split('.')[0]);
  const stage = mkdtempSync(join(tmpdir(), 'baken-deb-'));
  try {
    const root = join(stage, 'root');
    const libDir = join(root, LIB_DIR);
    mkdirSync(libDir, { recursive: true });
    const inputs = await bundle(join(libDir, 'baken-gateway.mjs'), version);
    const copied = copyNativeModules(repoRoot, libDir, opts.arch);
    placeBetterSqlite3(libDir, opts, nodeVersion);
    tidyBinaries(libDir, copied, opts.arch);
    const foreign = foreignBinaries(libDir, opts.arch);
    if (foreign.length > 0) {
      throw new Error(`BAKEN_ERR_PACKAGE: not ${opts.arch} binaries: ${foreign.join(', ')}`);
    }
    for (const [from, to, mode] of INSTALL) {
      const dest = join(root, to);
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(join(here, 'files', from), dest);
      chmodSync(dest, mode);
    }
    installUpdateFiles(root, libDir, version);
    const bin = join(root, 'usr', 'bin', PACKAGE);
    mkdirSync(dirname(bin), { recursive: true });
    writeFileSync(
      bin,
      `#!/bin/sh\n# The Baken gateway's command line (see --help): the release the service runs (docs/gateway-appliance.md, "Updates").\nexec ${LIB_DIR}/launch "$@"\n`,
      { mode: 0o755 },
    );
    const doc = join(root, 'usr', 'share', 'doc', PACKAGE);
    mkdirSync(doc, { recursive: true });
    const licence = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    writeFileSync(
      join(doc, 'copyright'),
      copyrightFile(licence, shippedPackages(repoRoot, [...inputs, ...copied])),
    );
    writeFileSync(join(doc, 'changelog.gz'), debianChangelog(version, MAINTAINER, releaseDate()));
    cpSync(join(gatewayDir, 'README.md'), join(doc, 'README.md'));
    cpSync(join(repoRoot, 'CHANGELOG.md'), join(doc, 'CHANGELOG.md'));

    const debian = join(root, 'DEBIAN');
    mkdirSync(debian);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      cpSync(join(here, 'debian', script), join(debian, script));
      chmodSync(join(debian, script), 0o755);
    }
    writeFileSync(join(debian, 'conffiles'), '/etc/baken-gateway/gateway.json\n');
    const kib = Number(
      execFileSync('du', ['-sk', '--exclude=DEBIAN', root], { encoding: 'utf8' }).split('\t')[0],
    );
    writeFileSync(join(debian, 'control'), controlFile(version, opts.arch, kib, nodeMajor));

    mkdirSync(opts.outDir, { recursive: true });
    const deb = join(opts.outDir, `${PACKAGE}_${version}_${opts.arch}.deb`);
    // every file owned by root:root in the archive, whoever builds it
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, deb], { stdio: 'pipe' });
    return deb;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string' },
      out: { type: 'string', default: join(repoRoot, 'dist', 'deb') },
      'better-sqlite3-binary': { type: 'string' },
    },
  });
  const arch = values.arch ?? hostDebArch();
  if (arch === undefined || !isDebArch(arch)) {
    process.stderr.write(`BAKEN_ERR_USAGE: --arch must be one of ${Object.keys(ARCHES).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const binary = values['better-sqlite3-binary'];
  const deb = await buildDeb({
    arch,
    outDir: resolve(values.out),
    ...(binary === undefined ? {} : { betterSqlite3Binary: resolve(binary) }),
  });
  process.stdout.write(`${deb}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
