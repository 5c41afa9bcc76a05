import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface Asset {
  body: Buffer;
  type: string;
}

/**
 * Default folder: `assets/` next to this file; from a `tsc -b` build (`server/dist/web/`, which
 * copies no static files) the source folder `server/src/web/assets/`.
 */
export const ASSET_DIR =
  [new URL('./assets/', import.meta.url), new URL('../../src/web/assets/', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('./assets/', import.meta.url));

/**
 * Loads the dashboard's static files once into memory. Requests are answered by exact name from
 * this map, so no request path ever reaches the file system.
 */
export function loadAssets(dir = ASSET_DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) out.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return out;
}
