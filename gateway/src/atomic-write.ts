import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `text` atomically (temp file beside it, then rename): a crash leaves the old
 * or the new content, never half. The temp file has `mode` from the first byte, and again after the
 * write in case a stale temp file with a wider mode was reused, so a secret is never readable by
 * others on disk. The data is flushed to the disk before the rename and the folder after it, so the
 * new content also survives a power cut once this returns (a pendant counter must).
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, path);
  syncDir(dirname(path));
}

/** Flushes a folder's entries (the rename) to the disk; a no-op where folders cannot be opened. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms refuse to open or fsync a folder; the rename is still atomic there
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
