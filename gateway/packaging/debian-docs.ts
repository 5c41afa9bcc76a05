import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** `name` → `license` of every third-party package whose code ships in the package. */
export type ShippedPackages = ReadonlyMap<string, string>;

/**
 * The packages behind a list of files under `node_modules` (esbuild's inputs, the copied native
 * modules), each with the licence its package.json declares.
 */
export function shippedPackages(repoRoot: string, files: Iterable<string>): ShippedPackages {
  const out = new Map<string, string>();
  for (const file of files) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.replaceAll('\\', '/'));
    if (!m) continue;
    const at = file.replaceAll('\\', '/').lastIndexOf(`node_modules/${m[1]}/`);
    const pkgDir = join(repoRoot, file.slice(0, at), 'node_modules', m[1]!);
    try {
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
        license?: unknown;
        licenses?: unknown;
      };
      out.set(`${pkg.name ?? m[1]}@${pkg.version ?? '?'}`, licenseOf(pkg));
    } catch {
      out.set(m[1]!, 'see the package');
    }
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** package.json's `license` (SPDX string, or the older `{ type }` / `licenses: [{ type }]` forms). */
function licenseOf(pkg: { license?: unknown; licenses?: unknown }): string {
  const typeOf = (l: unknown): string | undefined =>
    typeof l === 'string'
      ? l
      : typeof (l as { type?: unknown })?.type === 'string'
        ? (l as { type: string }).type
        : undefined;
  const one = typeOf(pkg.license);
  if (one !== undefined) return one;
  if (Array.isArray(pkg.licenses)) {
    const all = pkg.licenses.map(typeOf).filter((t): t is string => t !== undefined);
    if (all.length > 0) return all.join(' OR ');
  }
  return 'see the package';
}

/**
 * `/usr/share/doc/baken-gateway/copyright` in the machine-readable format (DEP-5): Baken under the
 * EUPL 1.2 with its full text, and the third-party packages bundled or shipped beside the bundle,
 * with their licences (the bundle keeps their licence comments at its end).
 */
export function copyrightFile(licenseText: string, shipped: ShippedPackages): string {
  const indent = (text: string): string =>
    text
      .trimEnd()
      .split('\n')
      .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
      .join('\n');
  const thirdParty = [...shipped].map(([name, license]) => `  ${name}: ${license}`).join('\n');
  return `${[
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: baken',
    'Source: https://github.com/baken/baken',
    '',
    'Files: *',
    'Copyright: the Baken contributors',
    'License: EUPL-1.2',
    'Comment: The gateway bundle and its native modules include these third-party',
    ' packages, each under the licence its package.json declares (the texts ship',
    ' beside the native modules and at the end of the bundle):',
    indent(thirdParty),
    '',
    'License: EUPL-1.2',
    indent(licenseText),
  ].join('\n')}\n`;
}

/** A Debian changelog entry for a native package, gzipped as policy wants (`changelog.gz`). */
export function debianChangelog(version: string, maintainer: string, dateRfc2822: string): Buffer {
  const text = `baken-gateway (${version}) unstable; urgency=medium\n\n  * Release ${version}; what changed is in CHANGELOG.md beside this file.\n\n -- ${maintainer}  ${dateRfc2822}\n`;
  return gzipSync(Buffer.from(text), { level: 9 });
}
