import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MACHINE_KEY_ENV, MACHINE_KEY_FILE, MachineCredentials } from './machine-credentials.js';
import { hashPassword } from './password.js';

const secret = 'Zq3kX0b9V2rT5mN8pL1cJ6hG4fD7sA0wE2yU5iO8tR1';
const key = (b: number) => new MachineCredentials(Buffer.alloc(32, b));

describe('machine credentials (keyed hash)', () => {
  it('verifies its own hash at once, refuses another secret, in constant form', async () => {
    const m = key(1);
    const h = m.hash(secret);
    expect(h).toMatch(/^hmac-sha256\$[0-9a-f]{8}\$[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(secret);
    expect(m.isCurrent(h)).toBe(true);
    expect(await m.verify(secret, h)).toEqual({ ok: true, rehash: null });
    expect(await m.verify(`${secret}x`, h)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await m.verify(secret, null)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await m.verify(secret, `${h.slice(0, -4)}AAAA`)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await m.verify(secret, 'hmac-sha256$' + m.keyId + '$short')).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('a hash made under another key is reported as such, never accepted', async () => {
    expect(await key(2).verify(secret, key(1).hash(secret))).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('an older scrypt hash verifies once and hands back the keyed hash to store', async () => {
    const m = key(3);
    const old = await hashPassword(secret, { N: 1024, r: 8, p: 1 });
    expect(m.isCurrent(old)).toBe(false);
    const v = await m.verify(secret, old);
    expect(v.ok).toBe(true);
    const next = v.ok ? v.rehash : null;
    expect(next).not.toBeNull();
    expect(await m.verify(secret, next!)).toEqual({ ok: true, rehash: null });
    expect(await m.verify('wrong', old)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await m.verify(secret, '!no-mqtt-login')).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('keeps its key in a 0600 file in the data folder, the same on every start', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'baken-mk-')), 'data');
    const a = MachineCredentials.load(dir, {});
    const st = statSync(join(dir, MACHINE_KEY_FILE));
    expect(st.mode & 0o777).toBe(0o600);
    const b = MachineCredentials.load(dir, {});
    expect(b.keyId).toBe(a.keyId);
    expect(b.hash(secret)).toBe(a.hash(secret));
    expect(readFileSync(join(dir, MACHINE_KEY_FILE), 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the key from the environment (clustered instances share it), refuses a malformed one', () => {
    const hex = 'ab'.repeat(32);
    expect(MachineCredentials.load(':memory:', { [MACHINE_KEY_ENV]: hex }).keyId).toBe(
      new MachineCredentials(Buffer.from(hex, 'hex')).keyId,
    );
    expect(() => MachineCredentials.load(':memory:', { [MACHINE_KEY_ENV]: 'short' })).toThrow(
      expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }),
    );
  });

  it('refuses to start on a damaged key file instead of locking every gateway out silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-mk-'));
    writeFileSync(join(dir, MACHINE_KEY_FILE), 'not a key', { mode: 0o600 });
    expect(() => MachineCredentials.load(dir, {})).toThrow(
      expect.objectContaining({ code: 'BAKEN_ERR_CONFIG' }),
    );
  });

  it('without a data folder one key serves the whole process (a server restarted over the same store)', () => {
    expect(MachineCredentials.load(':memory:', {}).keyId).toBe(MachineCredentials.load(':memory:', {}).keyId);
  });

  it('checks a gateway as the broker does: unknown ids cost an HMAC, an old hash is replaced once', async () => {
    const m = key(4);
    const rows = new Map<string, string>([
      ['gw-known-0001', await hashPassword(secret, { N: 1024, r: 8, p: 1 })],
    ]);
    const gateways = {
      mqttPasswordHash: async (id: string) => rows.get(id) ?? null,
      replaceMqttPasswordHash: async (id: string, prev: string, next: string) =>
        rows.get(id) === prev && rows.set(id, next) !== undefined,
    };
    expect((await m.verifyGateway(gateways, 'gw-known-0001', secret)).ok).toBe(true);
    expect(m.isCurrent(rows.get('gw-known-0001')!)).toBe(true);
    expect(await m.verifyGateway(gateways, 'gw-known-0001', secret)).toEqual({ ok: true, rehash: null });
    expect(await m.verifyGateway(gateways, 'gw-unknown-01', secret)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await m.verifyGateway(gateways, 'Not A Gateway!', secret)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});
