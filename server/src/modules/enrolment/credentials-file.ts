import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';

/**
 * Writes JSON holding secrets with mode 0600: created so, and an existing file narrowed to 0600
 * before anything is written into it (house rule: files holding secrets are 0600).
 */
export function writePrivateJson(path: string, value: unknown): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${JSON.stringify(value)}\n`);
  } finally {
    closeSync(fd);
  }
}
