import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveCredentials } from './config/load-config.js';
import { TestBroker, TestSubscriber, until } from './testing/test-broker.js';

const bin = fileURLToPath(new URL('../bin/baken-gateway.js', import.meta.url));
const GW = 'gw-main-test';

describe('baken-gateway run (real process, real bindings)', () => {
  let dir: string;
  let broker: TestBroker;
  let sub: TestSubscriber;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-main-'));
    broker = new TestBroker();
    await broker.start();
    sub = new TestSubscriber(true);
    await sub.connect(broker.url, [`baken/v1/gw/${GW}/#`]);
  });
  afterEach(async () => {
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects, heartbeats, and on SIGTERM publishes offline and exits 0', async () => {
    const credentialsFile = join(dir, 'credentials.json');
    saveCredentials(credentialsFile, {
      gatewayId: GW,
      server: 'http://127.0.0.1',
      mqtt: { username: GW, password: 'not-a-real-password', url: broker.url },
      provisionedAt: 0,
    });
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({ dataDir: join(dir, 'data'), credentialsFile, log: { level: 'warn' } }),
    );
    const proc = spawn(process.execPath, [bin, 'run', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      await until(
        () =>
          sub.received('availability').some((m) => m.payload['state'] === 'online') || proc.exitCode !== null,
        'online',
      );
      expect(proc.exitCode, output).toBeNull();
      await until(() => sub.received('heartbeat').length >= 1, 'heartbeat');
      expect(sub.received('heartbeat')[0]?.payload).toMatchObject({ gatewayId: GW, intervalS: 60 });
      proc.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      expect(sub.received('availability').at(-1)?.payload).toMatchObject({ state: 'offline' });
      expect(output).not.toContain('not-a-real-password');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });
});
