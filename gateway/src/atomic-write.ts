import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Replaces `path` with `text` atomically (temp file beside it, then rename): a crash leaves the old
 * or the new content, never half. The temp file has `mode` from the first byte, and again after the
 * write in case a stale temp file with a wider mode was reused, so a secret is never readable by
 * others on disk.
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
