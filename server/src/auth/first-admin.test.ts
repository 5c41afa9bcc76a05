import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testApp } from '../testing/test-app.js';
import { FIRST_ADMIN_FILE, forgetFirstAdminPassword, revealFirstAdmin } from './first-admin.js';
import { hashPassword } from './password.js';

const admin = { username: 'admin', password: 'Secret-Password-123' };
const dataDir = () => mkdtempSync(join(tmpdir(), 'baken-first-admin-test-'));

describe('revealing the first admin password', () => {
  it('shows it at a terminal, and writes no file', () => {
    const dir = dataDir();
    const text = revealFirstAdmin(admin, { stdoutIsTTY: true, env: {}, dataDir: dir });
    expect(text).toContain(admin.password);
    expect(existsSync(join(dir, FIRST_ADMIN_FILE))).toBe(false);
  });

  it.each([
    ['under systemd', { stdoutIsTTY: true, env: { INVOCATION_ID: 'abc' } }],
    ['into the journal', { stdoutIsTTY: true, env: { JOURNAL_STREAM: '8:123' } }],
    ['with captured output', { stdoutIsTTY: false, env: {} }],
  ])('%s: never on stdout, in a 0600 file instead', (_label, target) => {
    const dir = dataDir();
    const text = revealFirstAdmin(admin, { ...target, dataDir: dir });
    expect(text).not.toContain(admin.password);
    const file = join(dir, FIRST_ADMIN_FILE);
    expect(text).toContain(file);
    expect(readFileSync(file, 'utf8')).toContain(`password: ${admin.password}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('the first admin password file once the password is changed', () => {
  it('is deleted only for the user it names', () => {
    const dir = dataDir();
    revealFirstAdmin(admin, { stdoutIsTTY: false, env: {}, dataDir: dir });
    expect(forgetFirstAdminPassword(dir, 'someone-else')).toBe(false);
    expect(existsSync(join(dir, FIRST_ADMIN_FILE))).toBe(true);
    expect(forgetFirstAdminPassword(dir, 'admin')).toBe(true);
    expect(existsSync(join(dir, FIRST_ADMIN_FILE))).toBe(false);
    expect(forgetFirstAdminPassword(dir, 'admin')).toBe(false);
  });

  it('is deleted when the admin changes their own password through the API', async () => {
    const dir = dataDir();
    const t = await testApp({ dataDir: dir });
    try {
      const user = await t.app.baken.repos.users.create(
        {
          username: 'admin',
          displayName: 'Administrator',
          role: 'admin',
          passwordHash: await hashPassword(admin.password),
        },
        t.clock.now(),
      );
      revealFirstAdmin(admin, { stdoutIsTTY: false, env: {}, dataDir: dir });
      const { token } = await t.app.baken.auth.createApiToken(user.id, 'test', null);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { authorization: `Bearer ${token}` },
        payload: { currentPassword: admin.password, newPassword: 'a brand new long password' },
      });
      expect(res.statusCode).toBe(204);
      expect(existsSync(join(dir, FIRST_ADMIN_FILE))).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('server entry point under a service manager', () => {
  it('keeps the first admin password off stdout and puts it in the data folder', async () => {
    const dir = join(dataDir(), 'data');
    const main = fileURLToPath(new URL('../main.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        INVOCATION_ID: 'test-unit',
        BAKEN_DATA_DIR: dir,
        BAKEN_HTTP_PORT: '0',
        BAKEN_MQTT_PORT: '0',
        BAKEN_METRICS_PORT: '0',
        BAKEN_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    // the signal too: a death by a signal (null code) says which one when this fails
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await expect.poll(() => out, { timeout: 60_000, interval: 100 }).toMatch(/First admin created[^\n]*\n/);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited, out.slice(-2000)).toEqual({ code: 0, signal: null });
    const file = join(dir, FIRST_ADMIN_FILE);
    const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))?.[1];
    expect(password).toBeTruthy();
    expect(out).not.toContain(password!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 90_000);
});

describe('the first admin of an empty database', () => {
  it('is made once when two instances start on it together; the other shows none and does not fail', async () => {
    const t = await testApp();
    try {
      const made = await Promise.all([
        t.app.baken.auth.ensureFirstAdmin(),
        t.app.baken.auth.ensureFirstAdmin(),
      ]);
      expect(made.filter((m) => m !== undefined)).toHaveLength(1);
      expect((await t.app.baken.repos.users.list()).map((u) => u.username)).toEqual(['admin']);
    } finally {
      await t.close();
    }
  });
});
