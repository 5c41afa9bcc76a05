import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadMasterKey } from './modules/access/keysafe-keys.js';
import { loadVapidKeys } from './modules/followup/notify/vapid-keys.js';
import { startServer } from './server.js';
import { checkKeysAtStart } from './start-keys.js';
import { sharedKeysEnv } from './testing/shared-keys.js';
import { testConfig } from './testing/test-app.js';

const KEYS = sharedKeysEnv();
const NAMES = Object.keys(KEYS);
const refusal = (fn: () => unknown): Error & { code?: string; details?: Array<{ field: string }> } => {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('not refused');
};

describe('keys checked at start', () => {
  it('embedded: needs none of the shared keys (each is kept in the data folder)', () => {
    expect(() => checkKeysAtStart({ database: 'sqlite' }, {})).not.toThrow();
    expect(() => checkKeysAtStart({ database: 'sqlite' }, KEYS)).not.toThrow();
  });

  it('clustered: refuses to start without the shared keys, naming each missing variable and what to do', () => {
    const err = refusal(() => checkKeysAtStart({ database: 'postgres' }, {}));
    expect(err.code).toBe('BAKEN_ERR_CONFIG');
    for (const name of NAMES) expect(err.message).toContain(name);
    expect(err.message).toMatch(/required when BAKEN_DATABASE=postgres/);
    expect(err.message).toMatch(/the same 64 hex characters on every instance/);
    expect(err.message).toMatch(/keysafe-master\.key/);
    expect(() => checkKeysAtStart({ database: 'postgres' }, KEYS)).not.toThrow();
    // one missing: only it is named
    const { BAKEN_MACHINE_CREDENTIAL_KEY: _, ...noMachineKey } = KEYS;
    const one = refusal(() => checkKeysAtStart({ database: 'postgres' }, noMachineKey));
    expect(one.details?.map((d) => d.field)).toEqual(['BAKEN_MACHINE_CREDENTIAL_KEY']);
    // an empty variable is a missing one
    const empty = refusal(() =>
      checkKeysAtStart({ database: 'postgres' }, { ...KEYS, BAKEN_KEYSAFE_MASTER_KEY: '' }),
    );
    expect(empty.details?.map((d) => d.field)).toEqual(['BAKEN_KEYSAFE_MASTER_KEY']);
  });

  it('in every mode: refuses a key that is set but malformed, never printing it', () => {
    const bad = 'ab'.repeat(31); // 62 hex characters: one byte short
    for (const database of ['sqlite', 'postgres'] as const) {
      const err = refusal(() => checkKeysAtStart({ database }, { ...KEYS, BAKEN_KEYSAFE_MASTER_KEY: bad }));
      expect(err.code).toBe('BAKEN_ERR_CONFIG');
      expect(err.details?.map((d) => d.field)).toEqual(['BAKEN_KEYSAFE_MASTER_KEY']);
      expect(err.message).toMatch(/is set but is not 64 hex characters/);
      expect(err.message).not.toContain(bad);
      const machine = refusal(() =>
        checkKeysAtStart({ database }, { ...KEYS, BAKEN_MACHINE_CREDENTIAL_KEY: 'not-a-key' }),
      );
      expect(machine.details?.map((d) => d.field)).toEqual(['BAKEN_MACHINE_CREDENTIAL_KEY']);
      expect(machine.message).not.toContain('not-a-key');
    }
    // the VAPID pair: half of it, or a key that is not one
    const { BAKEN_VAPID_PRIVATE_KEY: priv, ...publicOnly } = KEYS;
    const half = refusal(() => checkKeysAtStart({ database: 'sqlite' }, publicOnly));
    expect(half.details?.map((d) => d.field)).toEqual(['BAKEN_VAPID_PRIVATE_KEY']);
    const swapped = refusal(() =>
      checkKeysAtStart(
        { database: 'sqlite' },
        { ...KEYS, BAKEN_VAPID_PUBLIC_KEY: priv!, BAKEN_VAPID_PRIVATE_KEY: 'x' },
      ),
    );
    expect(swapped.details?.map((d) => d.field)).toEqual([
      'BAKEN_VAPID_PUBLIC_KEY',
      'BAKEN_VAPID_PRIVATE_KEY',
    ]);
    expect(swapped.message).not.toContain(priv!);
  });

  it('the loaders refuse a malformed key instead of falling back to the data folder', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baken-keys-'));
    try {
      expect(() => loadMasterKey(dataDir, { BAKEN_KEYSAFE_MASTER_KEY: 'zz'.repeat(32) })).toThrow(
        expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }),
      );
      expect(() =>
        loadVapidKeys(dataDir, { BAKEN_VAPID_PUBLIC_KEY: KEYS['BAKEN_VAPID_PUBLIC_KEY'] }),
      ).toThrow(expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }));
      expect(readdirSync(dataDir)).toEqual([]);
      expect(loadMasterKey(dataDir, KEYS).toString('hex')).toBe(KEYS['BAKEN_KEYSAFE_MASTER_KEY']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('startServer and the keys', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('clustered without the shared keys: stops before it opens the database or writes a key file', async () => {
    for (const name of NAMES) vi.stubEnv(name, undefined);
    const dataDir = mkdtempSync(join(tmpdir(), 'baken-keys-'));
    try {
      const config = { ...testConfig(), dataDir, database: 'postgres' as const };
      // nothing listens there: without the check, the start would fail on the database instead
      const url = 'postgres://baken:s3cret@127.0.0.1:1/baken';
      const err = await startServer({ config: { ...config, databaseUrl: url } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BAKEN_ERR_CONFIG' });
      for (const name of NAMES) expect((err as Error).message).toContain(name);
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('embedded with a malformed master key: stops, naming it', async () => {
    vi.stubEnv('BAKEN_KEYSAFE_MASTER_KEY', 'secret-but-not-hex');
    const err = await startServer({ config: testConfig() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAKEN_ERR_CONFIG' });
    expect((err as Error).message).toMatch(/BAKEN_KEYSAFE_MASTER_KEY: is set but is not 64 hex/);
    expect((err as Error).message).not.toContain('secret-but-not-hex');
  });
});
