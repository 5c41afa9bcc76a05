import { closeSync, fsyncSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The outbox's disk, as the unit reports it (heartbeat `storage`, `baken-gateway status`) [MQTT-MAP §4.3]:
 * - `ok`: entries are committed to disk and the space reserve is in place;
 * - `low-space`: entries are still committed to disk, but the disk is full enough that the space
 *   reserve is spent (or could not be made): the next full disk stops disk writes;
 * - `full`: the disk refuses writes for lack of space; entries are held in memory and sent directly;
 * - `read-only`: the disk (or the file) refuses writes; entries are held in memory and sent directly;
 * - `failed`: any other I/O error, or the outbox cannot be opened at all; entries held in memory.
 */
export type StorageState = 'ok' | 'low-space' | 'full' | 'read-only' | 'failed';

export interface StorageHealth {
  state: StorageState;
  /** When the current state began (`Clock.now()`). */
  since: number;
  /** The error code behind a degraded state (`SQLITE_FULL`, `EROFS`, …), null when ok. */
  code: string | null;
  /** Entries held only in memory (not yet on disk). */
  memoryDepth: number;
  /** Entries (alarms included) lost because the memory queue overflowed its hard cap; loud. */
  lostInMemory: number;
  /** What an operator should do, in one sentence; null when ok. */
  advice: string | null;
}

/** States in which new entries no longer reach the disk. */
export const MEMORY_ONLY_STATES: ReadonlySet<StorageState> = new Set(['full', 'read-only', 'failed']);

const ADVICE: Record<Exclude<StorageState, 'ok'>, string> = {
  'low-space':
    'the data disk is almost full and the outbox is using its space reserve: free space on the data disk',
  full: 'the data disk is full: alarms are held in memory and sent directly; free space on the data disk now',
  'read-only':
    'the data disk is read-only (a worn SD card does this): alarms are held in memory and sent directly; replace the SD card or fix the mount',
  failed:
    'the outbox cannot use its data disk: alarms are held in memory and sent directly; check the disk and the data directory permissions',
};

export function storageAdvice(state: StorageState): string | null {
  return state === 'ok' ? null : ADVICE[state];
}

/** The code of a SQLite (`SqliteError.code`) or Node fs error, if it has one. */
export function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * Which storage state a failed disk operation means, or null when the error is not a storage
 * failure (a programming error, a constraint violation: those still throw).
 */
export function classifyStorageError(err: unknown): Exclude<StorageState, 'ok' | 'low-space'> | null {
  const code = errorCode(err);
  if (code === null) return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return 'read-only';
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_CORRUPT' ||
    code === 'SQLITE_NOTADB' ||
    code === 'EIO' ||
    code === 'ENOENT'
  )
    return 'failed';
  return null;
}

/**
 * A file of zeros beside the outbox that holds disk space back for alarms: when SQLite reports the
 * disk full, the outbox deletes it and retries, so the alarm is still committed to disk. It is made
 * again once the disk has room for it twice over.
 */
export class SpaceReserve {
  readonly path: string;
  readonly bytes: number;
  #present = false;

  constructor(path: string, bytes: number) {
    this.path = path;
    this.bytes = bytes;
  }

  get present(): boolean {
    return this.#present;
  }

  /** Makes the reserve (written and fsynced, so the blocks are really allocated); false if no room. */
  ensure(): boolean {
    if (this.bytes <= 0 || this.#present) return true;
    try {
      // a reserve left by an earlier run still holds its space
      if (statSync(this.path).size >= this.bytes) {
        this.#present = true;
        return true;
      }
    } catch {
      // none yet
    }
    try {
      if (this.#freeBytes() < this.bytes * 2) return false;
    } catch {
      return false;
    }
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'w', 0o600);
      const chunk = Buffer.alloc(Math.min(this.bytes, 64 * 1024));
      for (let written = 0; written < this.bytes; ) {
        written += writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - written));
      }
      fsyncSync(fd);
      closeSync(fd);
      this.#present = true;
      return true;
    } catch {
      if (fd !== undefined) closeSync(fd);
      this.#unlink();
      return false;
    }
  }

  /** Whether the disk has `bytes` free (true when that cannot be told). */
  roomFor(bytes: number): boolean {
    try {
      return this.#freeBytes() >= bytes;
    } catch {
      return true;
    }
  }

  /** Frees the reserve; true when there was one to free. */
  release(): boolean {
    if (!this.#present) return false;
    this.#present = false;
    this.#unlink();
    return true;
  }

  #unlink(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // already gone, or the disk refuses: nothing more to free
    }
  }

  #freeBytes(): number {
    const s = statfsSync(dirname(this.path));
    return s.bavail * s.bsize;
  }
}
