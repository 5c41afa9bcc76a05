import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadCredentials, parseConfig, saveCredentials } from './load-config.js';

describe('config', () => {
  it('fills defaults for an empty config', () => {
    const c = parseConfig({});
    expect(c.heartbeat.intervalMs).toBe(60_000);
    expect(c.outbox.maxEntries).toBe(100_000);
    expect(c.mqtt.failoverAfterMs).toBe(120_000);
    expect(c.devices).toEqual([]);
  });

  it('names the field and the problem', () => {
    expect(() => parseConfig({ heartbeat: { intervalMs: 'often' } })).toThrow(
      /heartbeat\.intervalMs: expected integer/,
    );
    expect(() => parseConfig({ mqtt: { primaryUrl: 'http://x' } })).toThrow(/mqtt\.primaryUrl: /);
    expect(() => parseConfig({ heartbat: {} })).toThrow(/heartbat: unknown setting/);
    expect(() => parseConfig({ devices: [{ id: 'p1', kind: 'toaster' }] })).toThrow(/devices\.0\.kind/);
  });

  it('does not echo values (they may be secrets)', () => {
    try {
      parseConfig({ mqtt: { primaryUrl: 'secret-looking-value' } });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-looking-value');
      expect((err as { code: string }).code).toBe('BAKEN_ERR_CONFIG');
    }
  });
});

describe('credentials file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-cred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const creds = {
    gatewayId: 'gw-1',
    server: 'http://server',
    mqtt: { username: 'gw-1', password: 'pw', url: 'mqtts://broker:8883' },
    provisionedAt: 1,
  };

  it('is written 0600 and read back', () => {
    const path = join(dir, 'credentials.json');
    saveCredentials(path, creds);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadCredentials(path)).toEqual(creds);
  });

  it('is refused when readable by others, and explains how to fix it', () => {
    const path = join(dir, 'credentials.json');
    writeFileSync(path, JSON.stringify(creds), { mode: 0o644 });
    expect(() => loadCredentials(path)).toThrow(/chmod 600/);
  });

  it('reports a missing file with the command to create it', () => {
    expect(() => loadCredentials(join(dir, 'none.json'))).toThrow(/provision/);
  });

  it('reports a config file that is not JSON with its path', () => {
    const path = join(dir, 'gateway.json');
    writeFileSync(path, '{ nope');
    expect(() => loadConfig(path)).toThrow(/gateway\.json is not valid JSON/);
  });
});
