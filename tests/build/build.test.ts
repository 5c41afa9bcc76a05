import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PARTS = ['protocols', 'hardware', 'gateway', 'device-sim', 'server'];
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

/**
 * The code builds to JavaScript with tsc for the home unit, and the build runs without
 * tsx under the `baken-dist` export condition (as the systemd unit starts it).
 */
describe('the JavaScript build', () => {
  afterAll(() => {
    for (const p of PARTS) rmSync(`${root}/${p}/dist`, { recursive: true, force: true });
  });

  it('compiles every part and the built gateway CLI runs on plain node', () => {
    execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    const help = execFileSync(
      process.execPath,
      ['--conditions=baken-dist', 'gateway/dist/cli/entry.js', '--help'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(help).toContain('Usage: baken-gateway <command>');
    // the built module graph resolves to dist/ only: no TypeScript loader is involved
    const resolved = execFileSync(
      process.execPath,
      [
        '--conditions=baken-dist',
        '--input-type=module',
        '-e',
        "console.log(import.meta.resolve('@baken/protocols'))",
      ],
      { cwd: `${root}/gateway`, encoding: 'utf8' },
    );
    expect(resolved.trim()).toMatch(/\/protocols\/dist\/index\.js$/);
  }, 300_000); // a full tsc build of five parts: minutes on a loaded 2-core machine
});
