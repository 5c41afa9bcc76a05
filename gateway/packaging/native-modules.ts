import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Debian architectures the package is built for, and what Node and the ELF headers call them. */
export const ARCHES = {
  amd64: { node: 'x64', elfMachine: 62, elfClass: 2 },
  arm64: { node: 'arm64', elfMachine: 183, elfClass: 2 },
  armhf: { node: 'arm', elfMachine: 40, elfClass: 1 },
} as const;
export type DebArch = keyof typeof ARCHES;

export function isDebArch(a: string): a is DebArch {
  return Object.hasOwn(ARCHES, a);
}

/** The Debian name of the architecture this Node runs on, if the package supports it. */
export function hostDebArch(): DebArch | undefined {
  return (Object.keys(ARCHES) as DebArch[]).find((a) => ARCHES[a].node === process.arch);
}

/**
 * The gateway's native modules, shipped beside the bundle as real packages (they find their binary
 * relative to their own directory). `keep` says which files of the package a running gateway
 * needs; `installOnly` dependencies (download and compile helpers, C headers) stay behind.
 */
interface NativePackage {
  name: string;
  keep: (relPath: string, arch: DebArch) => boolean;
}

const INSTALL_ONLY = new Set(['prebuild-install', 'node-addon-api', 'nan', 'node-gyp']);

export const NATIVE_PACKAGES: readonly NativePackage[] = [
  {
    // compiled against one Node ABI (not N-API): the package depends on that Node major
    name: 'better-sqlite3',
    keep: (p) =>
      p === 'package.json' ||
      p === 'LICENSE' ||
      p.startsWith(`lib${sep}`) ||
      p === join('build', 'Release', 'better_sqlite3.node'),
  },
  {
    // N-API prebuilds for each architecture ship inside the npm package
    name: '@serialport/bindings-cpp',
    keep: (p, arch) =>
      p === 'package.json' ||
      p === 'LICENSE' ||
      (p.startsWith(`dist${sep}`) && runtimeFile(p)) ||
      (p.startsWith(join('prebuilds', `linux-${ARCHES[arch].node}`) + sep) && !p.includes('.musl.')),
  },
];

/** A file a running program may load: no docs, type declarations, tests or dotfiles. */
function runtimeFile(p: string): boolean {
  const parts = p.split(sep);
  return (
    !p.endsWith('.md') &&
    !p.endsWith('.ts') &&
    !parts.some((part) => part.startsWith('.') || part === 'test' || part === 'tests')
  );
}

function findPackageDir(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...listFiles(root, full));
    } else out.push(relative(root, full));
  }
  return out;
}

/**
 * Copies the native packages and their run-time dependency closure from `repoRoot`'s node_modules into
 * `destRoot` (a directory that receives `node_modules/…`), mirroring the source layout so Node resolves
 * them the same way. Dependencies are copied whole (they are small, pure JavaScript).
 */
export function copyNativeModules(repoRoot: string, destRoot: string, arch: DebArch): string[] {
  const copied: string[] = [];
  const seen = new Set<string>();
  const copyPackage = (pkgDir: string, keep: (p: string) => boolean): void => {
    if (seen.has(pkgDir)) return;
    seen.add(pkgDir);
    const rel = relative(repoRoot, pkgDir);
    for (const file of listFiles(pkgDir).filter(keep)) {
      const to = join(destRoot, rel, file);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(pkgDir, file), to);
      copied.push(join(rel, file));
    }
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (INSTALL_ONLY.has(dep)) continue;
      const depDir = findPackageDir(pkgDir, dep);
      if (depDir === undefined)
        throw new Error(`BAKEN_ERR_PACKAGE: ${dep} (needed by ${rel}) is not installed`);
      copyPackage(depDir, runtimeFile);
    }
  };
  for (const native of NATIVE_PACKAGES) {
    const dir = findPackageDir(repoRoot, native.name);
    if (dir === undefined) throw new Error(`BAKEN_ERR_PACKAGE: ${native.name} is not installed (npm ci)`);
    copyPackage(dir, (p) => native.keep(p, arch));
  }
  return copied;
}

/** Every `.node` file under `dir` whose ELF header is not for `arch` (or not ELF at all). */
export function foreignBinaries(dir: string, arch: DebArch): string[] {
  const bad: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.node') && statSync(full).isFile()) {
        const head = readFileSync(full).subarray(0, 20);
        const isElf = head.readUInt32BE(0) === 0x7f454c46;
        const ok =
          isElf && head[4] === ARCHES[arch].elfClass && head.readUInt16LE(18) === ARCHES[arch].elfMachine;
        if (!ok) bad.push(relative(dir, full));
      }
    }
  };
  walk(dir);
  return bad;
}
