import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needProgram } from '@baken/hardware/testing/external-program';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveCredentials } from '../config/load-config.js';
import { FakeNotifySocket } from '../testing/fake-notify-socket.js';
import { readSystemdEnv, SystemdNotify } from './sd-notify.js';

const bin = fileURLToPath(new URL('../../bin/baken-gateway.js', import.meta.url));
const haveTools = needProgram('systemd-notify') && needProgram('perl');

describe('readSystemdEnv', () => {
  it('reads the socket and the watchdog period, ignoring a watchdog meant for another process', () => {
    expect(readSystemdEnv({ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '30000000' }, 7)).toEqual({
      notifySocket: '/run/n',
      watchdogMs: 30_000,
    });
    expect(
      readSystemdEnv({ NOTIFY_SOCKET: '@abs', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 7),
    ).toEqual({ notifySocket: '@abs', watchdogMs: undefined });
    expect(readSystemdEnv({}, 7)).toEqual({ notifySocket: undefined, watchdogMs: undefined });
  });
});

describe.skipIf(!haveTools)('systemd notifications over a real NOTIFY_SOCKET (fake manager)', () => {
  let socket: FakeNotifySocket;
  let dir: string;
  beforeEach(async () => {
    socket = new FakeNotifySocket();
    await socket.start();
    dir = mkdtempSync(join(tmpdir(), 'baken-wd-'));
  });
  afterEach(async () => {
    await socket.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SystemdNotify hands each message over in order; a missing socket is reported, not thrown', async () => {
    const notify = new SystemdNotify({ env: { ...process.env, NOTIFY_SOCKET: socket.path } });
    const results = await Promise.all([
      notify.notify({ READY: '1', STATUS: 'two\nlines' }),
      notify.notify({ WATCHDOG: '1' }),
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    const kinds = socket.messages.filter((m) => !('BARRIER' in m.fields)).map((m) => m.fields);
    expect(kinds).toEqual([{ READY: '1', STATUS: 'two lines' }, { WATCHDOG: '1' }]);
    const lost = new SystemdNotify({ env: { ...process.env, NOTIFY_SOCKET: join(dir, 'none.sock') } });
    expect(await lost.notify({ WATCHDOG: '1' })).toMatchObject({ ok: false });
  });

  it('`baken-gateway run` under Type=notify: READY=1, WATCHDOG=1 while healthy, STOPPING=1 on SIGTERM', async () => {
    const credentialsFile = join(dir, 'credentials.json');
    saveCredentials(credentialsFile, {
      gatewayId: 'gw-watchdog',
      server: 'http://127.0.0.1',
      // nothing listens on port 1: the uplink keeps retrying, which is healthy
      mqtt: { username: 'gw-watchdog', password: 'not-a-real-password', url: 'mqtt://127.0.0.1:1' },
      provisionedAt: 0,
    });
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({ dataDir: join(dir, 'data'), credentialsFile, log: { level: 'warn' }, devices: [] }),
    );
    const proc = spawn(process.execPath, [bin, 'run', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '1000000' },
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      await socket.waitFor((m) => m.fields['READY'] === '1');
      // three pings prove the timer keeps running (one every 500 ms)
      await socket.waitFor(() => socket.count('WATCHDOG', '1') >= 3);
      proc.kill('SIGTERM');
      await socket.waitFor((m) => m.fields['STOPPING'] === '1');
      expect(await exited).toBe(0);
    } catch (err) {
      throw new Error(`${String(err)}\n${output}`);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    expect(socket.messages.some((m) => m.fields['STATUS']?.startsWith('unhealthy'))).toBe(false);
  }, 30_000);
});
