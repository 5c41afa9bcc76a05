import { readFileSync } from 'node:fs';

/** The gateway's software version (from its package.json), reported in heartbeats and provisioning. */
export function softwareVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
