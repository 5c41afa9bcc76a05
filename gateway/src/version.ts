import { readFileSync } from 'node:fs';

/** Set by the package build (gateway/packaging/build-deb.ts, esbuild `define`); absent in the sources. */
declare const __BAKEN_GATEWAY_VERSION__: string | undefined;

/** The gateway's software version (from its package.json), reported in heartbeats and provisioning. */
export function softwareVersion(): string {
  if (typeof __BAKEN_GATEWAY_VERSION__ === 'string') return __BAKEN_GATEWAY_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
