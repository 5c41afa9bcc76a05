import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../auth/password.js';
import { runEnrolFleet } from '../../cli/enrol-fleet.js';
import { openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { bulkEnrol } from './bulk-enrolment.js';

describe('bulk enrolment', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates a client, a home and an enrolled gateway per home; the password verifies', async () => {
    const db = openDatabase(':memory:');
    const repos = createSqliteRepositories(db);
    const homes = await bulkEnrol(repos, () => 1_000, { homes: 3, label: 'Load', region: 'Noord' });
    expect(homes).toHaveLength(3);
    expect(new Set(homes.map((h) => h.gatewayId)).size).toBe(3);
    for (const h of homes) {
      expect(h.gatewayId).toMatch(/^gw-[0-9a-f]{16}$/);
      expect((await repos.gateways.get(h.gatewayId))?.homeId).toBe(h.homeId);
      expect((await repos.clients.getHome(h.homeId))?.region).toBe('Noord');
      const hash = await repos.gateways.mqttPasswordHash(h.gatewayId);
      expect(await verifyPassword(h.password, hash!)).toBe(true);
    }
    db.close();
  });

  it('refuses a count out of range with a typed error', async () => {
    const repos = createSqliteRepositories(openDatabase(':memory:'));
    await expect(bulkEnrol(repos, () => 0, { homes: 0, label: 'x' })).rejects.toMatchObject({
      code: 'BAKEN_ERR_VALIDATION',
    });
  });

  it('the CLI writes the identities to a 0600 file and prints no password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-enrol-'));
    dirs.push(dir);
    const dbPath = join(dir, 'baken.sqlite');
    openDatabase(dbPath).close();
    const out: string[] = [];
    const file = join(dir, 'fleet.json');
    const code = await runEnrolFleet(
      ['--homes', '2', '--out', file, '--db', dbPath, '--mqtt-url', 'mqtt://127.0.0.1:1999'],
      (s) => out.push(s),
      (s) => out.push(s),
      {},
    );
    expect(code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(file, 'utf8'));
    expect(creds).toMatchObject({ v: 1, mqttUrl: 'mqtt://127.0.0.1:1999' });
    expect(creds.homes).toHaveLength(2);
    for (const h of creds.homes) expect(out.join('\n')).not.toContain(h.password);
  });

  it('the CLI explains its usage when --homes or --out is missing', async () => {
    const err: string[] = [];
    expect(
      await runEnrolFleet(
        ['--homes', '2'],
        () => undefined,
        (s) => err.push(s),
        { LANG: 'en_GB.UTF-8' },
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('usage: enrol-fleet');
  });
});
