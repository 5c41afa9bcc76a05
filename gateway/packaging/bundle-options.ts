import type { BuildOptions } from 'esbuild';
import { NO_DEBUG_ALIAS } from '../../packaging/no-debug.js';

/**
 * The esbuild options of the home unit's bundle, shared by the package build (build-deb.ts) and the
 * gateway bench (tests/bench/gateway.bench.ts), so the bench measures the code that ships.
 * Native modules stay outside the bundle (shipped beside it as packages, native-modules.ts);
 * usocket and x11 are optional parts of dbus-next (abstract sockets, session bus from X11) that the
 * system bus does not need. `debug` is replaced by a stub ({@link NO_DEBUG_ALIAS}): its disabled
 * loggers still cost an array per call on every MQTT packet (docs/scaling.md, gateway section).
 */
export const GATEWAY_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  external: ['better-sqlite3', '@serialport/bindings-cpp', 'usocket', 'x11'],
  alias: NO_DEBUG_ALIAS,
  banner: {
    js: "import { createRequire as __bakenRequire } from 'node:module'; const require = __bakenRequire(import.meta.url);",
  },
};
