import type { BuildOptions } from 'esbuild';
import { NO_DEBUG_ALIAS } from '../../packaging/no-debug.js';

/**
 * Packages left outside the server's bundle, resolved from `node_modules` when it runs: each has a
 * native part or reads files of its own package at run time, which a bundle would not carry.
 * - better-sqlite3: a native addon.
 * - pino: starts its transports and thread-stream in worker threads from its own files.
 * - @fastify/swagger-ui: serves the API docs' pages from its `static/` folder.
 * - @fastify/swagger: reads its own package.json.
 * Every other package (Fastify, aedes, mqtt, pg, amqplib, ...) and all of our own code is in the
 * one file, so a start reads and compiles one file instead of about 1,400 modules.
 */
export const SERVER_EXTERNAL = ['better-sqlite3', 'pino', '@fastify/swagger-ui', '@fastify/swagger'];

/**
 * The esbuild options of the production server (docs/deploy/README.md, "Building the server"),
 * shared by `npm run build:server` and the benches that run the server as production does.
 * A source map beside the bundle (`node --enable-source-maps` maps stack traces back to the
 * sources; off by default, as it makes every stack trace that is read costly). No `keepNames`:
 * it wraps every function and closure made at run time in a call that sets its name (1 % of the
 * server's CPU in a reconnect storm); classes keep their names from their bindings, except one
 * whose name collides with another in the bundle's single scope (esbuild appends a digit).
 * `debug` is replaced by the no-op stand-in the home unit's bundle uses ({@link NO_DEBUG_ALIAS}):
 * aedes' packet parser and writer (mqtt-packet) call their `debug` loggers about fifteen times per
 * packet, and a disabled one still builds its argument array — about a tenth of what the server
 * allocated under an event flood (docs/scaling.md §3). `DEBUG=` has no effect on the bundle; its
 * pino log is the trace (run the sources under tsx for the libraries' traces).
 */
export const SERVER_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  sourcemap: 'linked',
  external: SERVER_EXTERNAL,
  alias: NO_DEBUG_ALIAS,
  banner: {
    js: "import { createRequire as __bakenRequire } from 'node:module'; const require = __bakenRequire(import.meta.url);",
  },
};
