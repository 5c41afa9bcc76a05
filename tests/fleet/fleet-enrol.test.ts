import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fleetEnrolCommand } from '@baken/device-sim/cli/fleet-enrol-command';
import { type TestApp, testApp } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `baken-sim fleet-enrol` against the server's HTTP API: batches of 50, one 0600 file.
describe('baken-sim fleet-enrol', () => {
  let t: TestApp;
  let url: string;
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'baken-fleet-enrol-'));
  beforeAll(async () => {
    t = await testApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    token = (await t.userWithToken('admin')).auth.authorization.replace('Bearer ', '');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[], env: Record<string, string>) => {
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      stdin: Readable.from([]),
    };
    return { code: await fleetEnrolCommand(argv, io, env), text: lines.join('\n') };
  };

  it('enrols in calls of 50 and writes every identity to a 0600 file, printing no password', async () => {
    const out = join(dir, 'fleet.json');
    const r = await run(['--api', url, '--homes', '52', '--out', out, '--label', 'Enrol test'], {
      BAKEN_API_TOKEN: token,
    });
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(out, 'utf8'));
    expect(creds.mqttUrl).toMatch(/^mqtts?:\/\//);
    expect(creds.homes).toHaveLength(52);
    expect(new Set(creds.homes.map((h: { gatewayId: string }) => h.gatewayId)).size).toBe(52);
    for (const h of creds.homes) expect(r.text).not.toContain(h.password);
  }, 120_000);

  it('without a token in the environment it says what to set; a wrong one is the server’s 401', async () => {
    const out = join(dir, 'none.json');
    expect((await run(['--api', url, '--homes', '1', '--out', out], {})).text).toContain('BAKEN_API_TOKEN');
    const bad = await run(['--api', url, '--homes', '1', '--out', out], { BAKEN_API_TOKEN: 'nope' });
    expect(bad.code).toBe(1);
    expect(bad.text).toContain('401');
  });
});
