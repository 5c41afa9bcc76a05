import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LAUNCHER = resolve(import.meta.dirname, '../../packaging/files/baken-gateway-launch');

/** packaging/files/baken-gateway-launch, run by sh in a temp dir with a fake `node` that prints its script. */
describe('the launcher (the release layout seen from systemd)', () => {
  let root: string;
  let app: string;
  const run = (...args: string[]): string =>
    execFileSync('sh', [LAUNCHER, ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        BAKEN_GATEWAY_APP_DIR: app,
        BAKEN_GATEWAY_PACKAGED_DIR: join(root, 'packaged'),
        BAKEN_GATEWAY_NODE: join(root, 'node'),
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  const release = (v: string) => {
    mkdirSync(join(app, 'releases', v), { recursive: true });
    writeFileSync(join(app, 'releases', v, 'baken-gateway.mjs'), '');
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'baken-launch-'));
    app = join(root, 'app');
    mkdirSync(join(root, 'packaged'), { recursive: true });
    mkdirSync(app);
    writeFileSync(join(root, 'node'), '#!/bin/sh\necho "$2 $3"\n', { mode: 0o755 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the packaged version until an update is current, then the current release', () => {
    expect(run('run')).toBe(`${join(root, 'packaged')}/baken-gateway.mjs run`);
    release('1.1.0');
    symlinkSync(join('releases', '1.1.0'), join(app, 'current'));
    expect(run('status')).toBe(`${app}/current/baken-gateway.mjs status`);
  });

  it('counts the starts of a trial release and goes back to the previous one after three', () => {
    release('1.1.0');
    symlinkSync(join(root, 'packaged'), join(app, 'previous'));
    symlinkSync(join('releases', '1.1.0'), join(app, 'current'));
    writeFileSync(join(app, 'trial'), '{}');
    for (let i = 1; i <= 3; i++) {
      expect(run('run')).toContain(`${app}/current/`);
      expect(readFileSync(join(app, 'trial-boots'), 'utf8').trim()).toBe(String(i));
    }
    expect(run('status')).toContain(`${app}/current/`); // the CLI counts no start
    expect(run('run')).toBe(`${join(root, 'packaged')}/baken-gateway.mjs run`);
    expect(readlinkSync(join(app, 'current'))).toBe(join(root, 'packaged'));
  });
});
