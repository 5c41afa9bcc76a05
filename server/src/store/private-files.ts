import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Owner-only modes for the store: it holds password, token and gateway-credential hashes. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dir` (and any missing parents) exist, owner-only. A folder created here is 0700. An
 * existing folder that we own and that is not a shared sticky folder (such as `/tmp`) is tightened
 * to 0700; a folder owned by someone else is left as it is (the files inside are still 0600).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = statSync(dir);
  const ours = typeof process.getuid !== 'function' || st.uid === process.getuid();
  const sticky = (st.mode & 0o1000) !== 0;
  if (ours && !sticky && (st.mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates `file` empty with mode 0600 if it does not exist, and tightens it (and its SQLite
 * companions `-wal`, `-shm`, `-journal` if present) to 0600 if it does. SQLite gives the WAL and
 * shared-memory files it creates later the mode of the database file, so they are 0600 too.
 */
export function ensurePrivateDbFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(f, PRIVATE_FILE_MODE);
  }
}
