import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIRST_ADMIN_FILE = 'first-admin-password.txt';

export interface FirstAdminTarget {
  /** Whether stdout is a terminal a person is reading. */
  stdoutIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** The server's data folder (owner-only); `:memory:` puts the file in a private temp folder. */
  dataDir: string;
}

/**
 * Whether the server runs under a service manager or with its output captured: systemd sets
 * `INVOCATION_ID` for every unit it starts (and `JOURNAL_STREAM` when output goes to the journal);
 * containers and pipes give a stdout that is not a terminal. Anything written to stdout then lands
 * in a log that others can read and that is kept.
 */
export function outputIsCaptured(t: Pick<FirstAdminTarget, 'stdoutIsTTY' | 'env'>): boolean {
  return !t.stdoutIsTTY || t.env['INVOCATION_ID'] !== undefined || t.env['JOURNAL_STREAM'] !== undefined;
}

/**
 * How the first admin's password reaches the operator, once. At a terminal it is shown; when the
 * output is captured it is written to `<dataDir>/first-admin-password.txt` (0600, in the 0700 data
 * folder) and only that path is shown. Returns the text for stdout.
 */
export function revealFirstAdmin(admin: { username: string; password: string }, t: FirstAdminTarget): string {
  if (!outputIsCaptured(t))
    return (
      `First admin created — username: ${admin.username}  password: ${admin.password}\n` +
      'Store it now; it is not shown again.\n'
    );
  const dir = t.dataDir === ':memory:' ? mkdtempSync(join(tmpdir(), 'baken-first-admin-')) : t.dataDir;
  const file = join(dir, FIRST_ADMIN_FILE);
  rmSync(file, { force: true });
  writeFileSync(
    file,
    `username: ${admin.username}\npassword: ${admin.password}\n` +
      'Log in and change this password: this file is deleted when you do.\n',
    { mode: 0o600, flag: 'wx' },
  );
  chmodSync(file, 0o600);
  return (
    `First admin created — username: ${admin.username}; its password is in ${file} (readable by this ` +
    'user only). Log in and change it; the file is deleted when you do.\n'
  );
}

/**
 * Once the first admin's password has been changed, the file that revealed it is deleted: it no
 * longer opens anything, and a password left lying in the data folder is one more thing to leak.
 * Only a file naming this user is removed. Returns whether a file was deleted.
 */
export function forgetFirstAdminPassword(dataDir: string, username: string): boolean {
  if (dataDir === ':memory:') return false;
  const file = join(dataDir, FIRST_ADMIN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (!text.split('\n').includes(`username: ${username}`)) return false;
  rmSync(file, { force: true });
  return true;
}
