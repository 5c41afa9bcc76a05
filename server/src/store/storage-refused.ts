import { BakenError } from '../errors.js';

/**
 * Why the disk under the database refused a write (store README, "A disk that refuses writes"):
 * - `full`: no space left — SQLite's `SQLITE_FULL` (the disk, or the page limit), the file
 *   system's `ENOSPC`/`EDQUOT`, PostgreSQL's `53100` disk_full;
 * - `read_only`: the data folder cannot be written — `SQLITE_READONLY*`, `EROFS` (a disk the
 *   kernel remounted read-only after errors), PostgreSQL's `25006`;
 * - `io_error`: the disk failed the write — `SQLITE_IOERR*`, `EIO`, PostgreSQL's `58030`.
 */
export type StorageRefusal = 'full' | 'read_only' | 'io_error';

function refusalOfCode(code: string): StorageRefusal | null {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') return 'full';
  if (
    code === 'SQLITE_READONLY' ||
    code.startsWith('SQLITE_READONLY_') ||
    code === 'EROFS' ||
    code === '25006'
  )
    return 'read_only';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'EIO' || code === '58030')
    return 'io_error';
  return null;
}

/**
 * Whether `err` (or an error it wraps as `cause`) is the disk refusing a write, and why; null for
 * anything else. Nothing was stored when a store call fails so: SQLite rolls the statement (or the
 * whole transaction) back, and `sqlite-async` ends a transaction SQLite abandoned.
 */
export function storageRefusal(err: unknown): StorageRefusal | null {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      const r = refusalOfCode(code);
      if (r) return r;
    }
    e = cause;
  }
  return null;
}

/** The error code of each refusal (`errors.ts`). */
export const REFUSAL_CODE = {
  full: 'BAKEN_ERR_STORAGE_FULL',
  read_only: 'BAKEN_ERR_STORAGE_READ_ONLY',
  io_error: 'BAKEN_ERR_STORAGE_IO',
} as const;

/** What the disk did, for a person: `the server's disk is full`. */
export const REFUSAL_TEXT: Record<StorageRefusal, string> = {
  full: "the server's disk is full",
  read_only: "the server's data folder is read-only",
  io_error: "the server's disk failed a write (I/O error)",
};

/** What an operator does about it. */
export const REFUSAL_ACTION: Record<StorageRefusal, string> = {
  full: 'Free space on the disk that holds the data folder (old logs, backups) or grow it.',
  read_only:
    'Make the data folder writable again; a disk the system remounted read-only after errors needs checking first (see the system log).',
  io_error: 'Check the disk that holds the data folder (see the system log) and replace it if it fails.',
};

/**
 * The HTTP answer to a request whose write the disk refused: 507 Insufficient Storage (RFC 4918
 * §11.5), not 503 — a full or read-only disk does not heal by itself in seconds, so it is not the
 * "try again shortly" of `BAKEN_ERR_UNAVAILABLE`; a person must act, and a monitor can tell the
 * two apart. Nothing of the request was stored.
 */
export function storageRefusedError(reason: StorageRefusal, cause: unknown): BakenError {
  return new BakenError(
    REFUSAL_CODE[reason],
    507,
    `Nothing was stored: ${REFUSAL_TEXT[reason]}, so the change was rolled back. ${REFUSAL_ACTION[reason]} The server resumes by itself once writes succeed; then try again.`,
    { headers: { 'retry-after': '60' }, cause },
  );
}
