import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { HUMAN_SCRYPT, hashPassword, MACHINE_SCRYPT, needsRehash, verifyPassword } from './password.js';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const a = await hashPassword('correct horse', cheap);
    const b = await hashPassword('correct horse', cheap);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('hashes human passwords at the OWASP scrypt cost (N=2^17, r=8, p=1) by default, within maxmem', async () => {
    expect(HUMAN_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
    expect(defaultConfig().auth.scrypt).toEqual(HUMAN_SCRYPT);
    const h = await hashPassword('correct horse');
    expect(h.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', h)).toBe(true);
  });

  it('keeps machine credentials at the cheaper cost that every MQTT CONNECT pays', () => {
    expect(MACHINE_SCRYPT).toEqual({ N: 16384, r: 8, p: 1 });
  });

  it('asks for a rehash of a hash made at a lower cost, or of anything not ours', async () => {
    const old = await hashPassword('pw', { N: 16384, r: 8, p: 1 });
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { N: 16384, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(old, { N: 16384, r: 16, p: 1 })).toBe(true);
    expect(needsRehash('scrypt$131072$8$1$AA==$AA==')).toBe(false);
    expect(needsRehash('bcrypt$whatever')).toBe(true);
  });
});
