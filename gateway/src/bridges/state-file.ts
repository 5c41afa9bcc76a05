import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * A small JSON state file written atomically (temp file + rename), mode 0600: a crash leaves either
 * the old or the new content, never half. For the pendant replay counters and audit cursors, which
 * are rewritten on every accepted advert / audit read (a handful per day).
 */
export class JsonStateFile<T> {
  readonly path: string;
  readonly #fallback: () => T;

  constructor(path: string, fallback: () => T) {
    this.path = path;
    this.#fallback = fallback;
  }

  load(): T {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as T;
    } catch {
      return this.#fallback();
    }
  }

  save(value: T): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
