import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** Lock-file path of `name` as Node resolves it from the package at `from` (nested first, then up). */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/** Every installed package the hardware layer pulls in (dependencies and optional ones). */
function closure(root: string): Set<string> {
  const seen = new Set<string>();
  const todo = [root];
  while (todo.length > 0) {
    const at = todo.pop() as string;
    const entry = lock.packages[at] ?? {};
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const path = resolve(at, dep);
      if (path === undefined || seen.has(path)) continue;
      seen.add(path);
      todo.push(path);
    }
  }
  return seen;
}

// hardware/src/ble/DECISIONS.md §1: a maintained D-Bus library under node-ble, no compiler on the unit.
describe('the D-Bus library under node-ble', () => {
  it('is the maintained fork, one copy shared by node-ble and the hardware layer', () => {
    const lib = lock.packages['node_modules/dbus-next'];
    expect(lib?.name).toBe('@jellybrick/dbus-next');
    expect(resolve('node_modules/node-ble', 'dbus-next')).toBe('node_modules/dbus-next');
    expect(resolve('hardware', 'dbus-next')).toBe('node_modules/dbus-next');
  });

  it('pulls no native build (usocket, node-gyp) and no xml2js into the hardware layer', () => {
    const names = [...closure('hardware')].map((p) => p.slice(p.lastIndexOf('node_modules/') + 13));
    expect(names).toContain('node-ble');
    for (const unwanted of ['usocket', 'node-gyp', 'xml2js']) expect(names).not.toContain(unwanted);
  });
});
