import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Domain code reaches storage through repository interfaces only. SQL (`prepare(`)
// belongs in SQLite bindings — `store/sqlite/*.ts` and module `sqlite-*.ts` files — and tests.
const MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'modules');
// Every module, including ones added later.
const GUARDED = readdirSync(MODULES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const offenders = (): string[] =>
  GUARDED.flatMap((m) =>
    readdirSync(join(MODULES, m))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('sqlite-'))
      .filter((f) => /\bprepare\(/.test(readFileSync(join(MODULES, m, f), 'utf8')))
      .map((f) => `${m}/${f}`),
  );

describe('storage boundary', () => {
  it('keeps SQL out of module services and route files', () => {
    expect(offenders()).toEqual([]);
  });
});
