// `npm run build:server [-- --out DIR]`: the production server as one JavaScript file
// (docs/deploy/README.md, "Building the server"), run by plain `node` without a TypeScript loader.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SERVER_BUNDLE_OPTIONS, SERVER_EXTERNAL } from './bundle-options.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const root = join(serverDir, '..');

/** The bundle's file name inside its folder. */
export const SERVER_BUNDLE_FILE = 'baken-server.mjs';
/** Where `npm run build:server` puts it: `dist/server/` in the checkout. */
export const DEFAULT_SERVER_OUT_DIR = join(root, 'dist', 'server');

/**
 * Bundles `server/src/main.ts` into `<outDir>/baken-server.mjs` (with its source map) and copies
 * the dashboard's static files beside it (`assets/`, where `web/assets.ts` looks first). The
 * packages left outside ({@link SERVER_EXTERNAL}) resolve from the `node_modules` above `outDir`,
 * so `outDir` must lie inside a checkout with its packages installed: refused otherwise, rather
 * than a bundle that fails at its first start. The files are written beside and renamed into
 * place, so a service restarted during a build starts the old bundle or the new one, never half
 * of one. Returns the bundle's path.
 */
export async function buildServer(outDir = DEFAULT_SERVER_OUT_DIR): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, SERVER_BUNDLE_FILE);
  const resolveFrom = createRequire(outfile);
  for (const name of SERVER_EXTERNAL.filter((n) => !n.includes('*'))) {
    try {
      resolveFrom.resolve(name);
    } catch {
      throw new Error(
        `${outDir}: the package ${name} does not resolve from there; build into a folder of the checkout (its node_modules are used at run time)`,
      );
    }
  }
  // the dashboard's files as they are in the sources: left alone when already so (another build of
  // this checkout, e.g. a parallel test, may be starting a server on them), else swapped in whole
  const source = join(serverDir, 'src', 'web', 'assets');
  const assets = join(outDir, 'assets');
  if (!sameFiles(source, assets)) {
    const fresh = `${assets}.${process.pid}.tmp`;
    cpSync(source, fresh, { recursive: true });
    rmSync(assets, { recursive: true, force: true });
    renameSync(fresh, assets);
  }
  const result = await build({
    ...SERVER_BUNDLE_OPTIONS,
    entryPoints: [join(serverDir, 'src', 'main.ts')],
    outfile,
    write: false,
  });
  const written = result.outputFiles.map((f) => {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents, { mode: 0o644 });
    return { tmp, path: f.path };
  });
  // the source map first: a bundle never names a map that is not there yet
  written.sort((a, b) => Number(a.path === outfile) - Number(b.path === outfile));
  for (const w of written) renameSync(w.tmp, w.path);
  return outfile;
}

/** Whether folder `b` holds exactly the files of folder `a` (flat), byte for byte. */
function sameFiles(a: string, b: string): boolean {
  if (!existsSync(b)) return false;
  const names = readdirSync(a).sort();
  const theirs = readdirSync(b).sort();
  return (
    names.length === theirs.length &&
    names.every((n, i) => n === theirs[i] && readFileSync(join(a, n)).equals(readFileSync(join(b, n))))
  );
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  if (
    args.includes('--help') ||
    (at >= 0 && !args[at + 1]) ||
    args.some((a, i) => a !== '--out' && i !== at + 1)
  ) {
    process.stdout.write(
      'Usage: npm run build:server [-- --out DIR]\n' +
        `Bundles the server into DIR/${SERVER_BUNDLE_FILE} (default dist/server) with its static files;\n` +
        `run it with \`node DIR/${SERVER_BUNDLE_FILE}\` (docs/deploy/README.md, "Building the server").\n`,
    );
    process.exit(args.includes('--help') ? 0 : 2);
  }
  const outDir = at >= 0 ? args[at + 1]! : DEFAULT_SERVER_OUT_DIR;
  buildServer(outDir).then(
    (file) => {
      const mb = (statSync(file).size / 1e6).toFixed(1);
      process.stdout.write(
        `built ${relative(process.cwd(), file)} (${mb} MB); run: node ${relative(process.cwd(), file)}\n`,
      );
    },
    (err: unknown) => {
      process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
