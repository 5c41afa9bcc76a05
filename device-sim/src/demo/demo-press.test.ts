import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@baken/hardware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, startHome } from '../home.js';
import { DEFAULT_HOME } from '../home-config.js';
import { startDemoControl } from './control.js';
import { DEMO_USAGE } from './demo-options.js';
import { demoPress } from './demo-press.js';

/** `npm run demo:*` against a running demo's control endpoint, found through `--data`. */
describe('demo:press and demo:code', () => {
  let dir: string;
  let home: Home;
  let server: Server;
  const run = async (argv: string[], env: Record<string, string | undefined> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await demoPress(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-demo-press-'));
    home = await startHome(structuredClone(DEFAULT_HOME), { serial: 'mock', ble: 'mock' }, new SystemClock());
    const control = await startDemoControl(home);
    server = control.server;
    mkdirSync(join(dir, 'scratch', 'demo'), { recursive: true });
    writeFileSync(join(dir, 'scratch', 'demo', 'control.json'), JSON.stringify(control.info));
  });
  afterAll(async () => {
    server?.close();
    await home?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a demo started with --data through the same flag, relative to where npm was run', async () => {
    const presses: string[] = [];
    [...home.pendants.values()][0]!.on('transmit', (action) => presses.push(action));
    expect(await run(['press', '--data', join(dir, 'scratch')])).toMatchObject({ code: 0 });
    expect(await run(['press', '--data', 'scratch'], { INIT_CWD: dir })).toMatchObject({ code: 0 });
    expect(presses.filter((a) => a === 'alarm').length).toBeGreaterThanOrEqual(2);
    const missing = await run(['press'], { INIT_CWD: dir });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^BAKEN_ERR_DEMO_NOT_RUNNING: .*--data DIR/);
  });

  it('types the code as displayed ("0773 5652") and exits 1 when the key safe refuses it', async () => {
    const before = home.safe!.nv.lockout.failed;
    const refused = await run(['code', '0773 5652', '--data', join(dir, 'scratch')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('BAKEN_ERR_DEMO_CODE_REFUSED: the key safe refused the code (rejected)');
    const split = await run(['code', '0773', '5652', '--data', join(dir, 'scratch')]);
    expect(split.code).toBe(1);
    // both reached the keypad as 07735652 (a usage error would not count as an attempt)
    expect(home.safe!.nv.lockout.failed).toBe(before + 2);
    const bad = await run(['code', '07x3', '--data', join(dir, 'scratch')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('4 to 12 digits, spaces allowed');
  });

  it('says in --help that the flag follows npm start', async () => {
    const help = await run(['press', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--data DIR   the data folder the demo was started with');
    expect(DEMO_USAGE).toMatch(/npm run demo:press \[-- --data DIR\]/);
  });
});
