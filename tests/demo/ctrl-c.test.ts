import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needProgram } from '@baken/hardware/testing/external-program';
import { type ProcessGroup, spawnProcessGroup } from '@baken/hardware/testing/process-group';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Our temporary folders; tsx keeps its compile cache there too, on purpose. */
const ours = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('tsx-'));

// `npm start` as a new user runs it, stopped with Ctrl-C: the terminal sends SIGINT to the whole
// process group (npm, node, socat, dbus-daemon), and npm forwards its own copy to node too.
describe.skipIf(!needProgram('socat') || !needProgram('dbus-daemon'))('npm start and Ctrl-C', () => {
  let group: ProcessGroup | undefined;
  let dir = '';
  afterEach(() => {
    if (group && group.survivors().length > 0) group.signalGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops within 5 s without a stack trace, leaving no process and no temporary folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-demo-sigint-'));
    const tmp = join(dir, 'tmp');
    const data = join(dir, 'data');
    mkdirSync(tmp);
    group = spawnProcessGroup(
      'npm',
      [
        'start',
        '--',
        '--data',
        data,
        '--port',
        '0',
        '--mqtt-port',
        '0',
        '--metrics-port',
        '0',
        '--transports',
        'real',
      ],
      { cwd: ROOT, env: { ...process.env, TMPDIR: tmp, BAKEN_LOG_LEVEL: 'warn' } },
    );
    await group.waitForOutput(/Stop with Ctrl-C/, 120_000);
    expect(group.stdout()).toContain('BlueZ stand-in on a private dbus-daemon');
    expect(group.survivors().some((c) => c.startsWith('dbus-daemon'))).toBe(true);
    expect(group.survivors().some((c) => c.startsWith('socat'))).toBe(true);

    // A press whose repeated adverts are still on the air while the daemon goes away.
    const control = JSON.parse(readFileSync(join(data, 'demo', 'control.json'), 'utf8')) as {
      url: string;
      token: string;
    };
    const pressed = await fetch(`${control.url}/press`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.token}` },
    });
    expect(pressed.status).toBe(200);

    const signalledAt = Date.now();
    group.signalGroup('SIGINT');
    const exit = await group.exited;
    const took = Date.now() - signalledAt;
    const output = `stdout:\n${group.stdout()}\nstderr:\n${group.stderr()}`;
    expect({ ...exit, stoppedWithin5s: took < 5000 }, output).toEqual({
      code: 0,
      signal: null,
      stoppedWithin5s: true,
    });
    expect(group.stdout()).toContain('SIGINT: stopping');
    expect(group.stderr(), output).not.toMatch(/\n\s+at |Error:/);
    // Late adverts of the press (after the stop) would crash an unguarded D-Bus writer: wait past them.
    await new Promise((r) => setTimeout(r, 1500));
    expect(group.survivors()).toEqual([]);
    expect(ours(tmp)).toEqual([]);
    // The demo's data survives for the next start; the control file (a live demo's address) does not.
    expect(readdirSync(join(data, 'demo'))).not.toContain('control.json');
  }, 180_000);
});
