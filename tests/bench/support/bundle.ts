import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

/**
 * Bundles a TypeScript bench entry into one ESM file run by plain `node`, as a production unit runs
 * compiled JavaScript: measuring under the tsx loader would add its ~60 MB transform cache to the
 * footprint. Packages with native parts or their own loaders stay external (resolved from
 * node_modules at run time). `options` replaces these defaults (the gateway bench passes the options
 * of the shipped gateway bundle). Returns the bundle's path.
 */
export async function bundleEntry(entry: string, name: string, options?: BuildOptions): Promise<string> {
  // inside node_modules/.cache so the external packages resolve from the repository's node_modules
  const outfile = fileURLToPath(new URL(`../../../node_modules/.cache/baken-bench/${name}`, import.meta.url));
  if (options !== undefined) {
    await build({ ...options, entryPoints: [entry], outfile });
    return outfile;
  }
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    external: [
      'better-sqlite3',
      'serialport',
      '@serialport/*',
      'node-ble',
      'dbus-next',
      'mqtt',
      'pino',
      'aedes',
    ],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}
