import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Full path of `name` on `PATH`, or `undefined`. */
export function findProgram(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Gate for suites that need an outside program (socat, dbus-daemon, mosquitto, chromium).
 *
 * Returns true when the program is there. When it is missing a developer's run skips the suite
 * (`describe.skipIf(!needProgram('socat'))`), but under `CI=true` this throws, so CI can never
 * pass by skipping (README, "CI").
 */
export function needProgram(name: string): boolean {
  if (findProgram(name)) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(
      `BAKEN_ERR_TEST_PROGRAM_MISSING: '${name}' is required under CI=true; .ci/run installs it`,
    );
  }
  return false;
}
