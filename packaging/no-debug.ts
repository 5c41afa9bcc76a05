import { fileURLToPath } from 'node:url';

/**
 * The esbuild `alias` that puts the no-op stand-in (`no-debug.cjs` beside this file) in place of
 * the `debug` package, shared by the home unit's and the server's bundles: one stand-in, not a copy
 * per bundle.
 */
export const NO_DEBUG_ALIAS: Record<string, string> = {
  debug: fileURLToPath(new URL('./no-debug.cjs', import.meta.url)),
};
