import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialNvState } from './nv-state.js';
import { FileNvStore } from './nv-store.js';

describe('FileNvStore', () => {
  it('starts from the initial state, round-trips, and leaves no temp file behind', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'baken-nv-')), 'sub', 'nv.json');
    const store = new FileNvStore(path);
    expect(store.load()).toEqual(initialNvState());
    const state = { ...initialNvState(), lastCounter: '18446744073709551615', used: { '1/abc': 42 } };
    store.save(state);
    expect(new FileNvStore(path).load()).toEqual(state);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('a torn temp file from a cut write is ignored; a corrupt state file is a coded error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-nv-'));
    const path = join(dir, 'nv.json');
    const store = new FileNvStore(path);
    store.save({ ...initialNvState(), lastCounter: '7' });
    writeFileSync(`${path}.tmp`, '{"version":1,"lastCou');
    expect(store.load().lastCounter).toBe('7');
    writeFileSync(path, 'garbage');
    expect(() => store.load()).toThrow(expect.objectContaining({ code: 'BAKEN_ERR_SIM_NV_STORE' }));
  });
});
