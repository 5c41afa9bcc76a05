import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';

/**
 * A small JSON state file written with `writeFileAtomic`, mode 0600. For the pendant replay counters,
 * audit cursors and the status snapshot; a missing or unreadable file loads as `fallback()`.
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
    writeFileAtomic(this.path, JSON.stringify(value), 0o600);
  }
}
