import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProgram, needProgram } from '@baken/hardware/testing/external-program';
import { afterAll, describe, expect, it } from 'vitest';
import { LIB_DIR } from '../../gateway/packaging/build-deb.js';
import { RUNTIME_STATUS_PATH } from '../../gateway/src/health/status-snapshot.js';

const files = fileURLToPath(new URL('../../gateway/packaging/files/', import.meta.url));
const read = (name: string): string => readFileSync(join(files, name), 'utf8');
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'baken-unit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `[section] key=value` lines of a unit file; repeated keys keep every value. */
function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe('the gateway unit file', () => {
  const unit = parseUnit(read('baken-gateway.service'));
  const one = (key: string): string | undefined => unit.get(key)?.at(-1);

  it('is Type=notify with a watchdog, and runs the packaged bundle as the sysusers user', () => {
    expect(one('Service.Type')).toBe('notify');
    expect(one('Service.NotifyAccess')).toBe('all');
    expect(one('Service.WatchdogSec')).toBe('30s');
    expect(one('Service.Restart')).toBe('always');
    expect(one('Unit.StartLimitIntervalSec')).toBe('0');
    // the launcher runs the current release or the packaged bundle (docs/gateway-appliance.md, "Updates")
    expect(one('Service.ExecStart')).toContain(`${LIB_DIR}/launch run`);
    // bounded malloc arenas keep a burst's pages from staying in every thread (docs/scaling.md)
    expect(read('baken-gateway-launch')).toMatch(/^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-2\}$/m);
    expect(read('baken-gateway-launch')).toContain(
      'exec "$NODE" --max-semi-space-size=1 "$dir/baken-gateway.mjs" "$@"',
    );
    expect(one('Service.User')).toBe('baken');
    expect(read('baken-gateway.sysusers')).toMatch(/^u baken - /m);
    expect(read('baken-gateway.tmpfiles')).toMatch(/^d \/var\/lib\/baken-gateway 0700 baken baken -$/m);
    expect(one('Service.StateDirectory')).toBe('baken-gateway');
  });

  it('gives the unit the runtime directory its status file falls back to on a failing data disk', () => {
    expect(`/run/${one('Service.RuntimeDirectory')}/status.json`).toBe(RUNTIME_STATUS_PATH);
  });

  it('carries the hardening options', () => {
    expect(unit.get('Service.CapabilityBoundingSet')).toEqual(['']);
    for (const key of [
      'NoNewPrivileges',
      'ProtectKernelTunables',
      'ProtectKernelModules',
      'ProtectControlGroups',
      'RestrictNamespaces',
      'LockPersonality',
      'RestrictRealtime',
      'RestrictSUIDSGID',
    ]) {
      expect(one(`Service.${key}`), key).toBe('yes');
    }
    expect(one('Service.ProtectSystem')).toBe('strict');
    expect(unit.get('Service.SystemCallFilter')).toContain('@system-service');
    expect(one('Service.DevicePolicy')).toBe('closed');
  });

  it.skipIf(!needProgram('systemd-analyze'))(
    'passes systemd-analyze verify, with a low exposure score',
    async () => {
      const dir = tempDir();
      let text = read('baken-gateway.service');
      // verify checks that ExecStart's binary exists; CI's node may live elsewhere
      if (findProgram('node') !== '/usr/bin/node') text = text.replace('/usr/bin/node', process.execPath);
      text = text.replace(`${LIB_DIR}/launch`, join(files, 'baken-gateway-launch'));
      writeFileSync(join(dir, 'baken-gateway.service'), text);
      const verify = await run('systemd-analyze', ['verify', join(dir, 'baken-gateway.service')]);
      expect(verify.out.trim(), verify.out).toBe('');
      expect(verify.code).toBe(0);
      const security = await run('systemd-analyze', [
        'security',
        '--offline=yes',
        '--no-pager',
        join(dir, 'baken-gateway.service'),
      ]);
      const score = /Overall exposure level for baken-gateway\.service: ([\d.]+)/.exec(security.out);
      expect(Number(score?.[1]), security.out).toBeLessThanOrEqual(2.5);
    },
  );

  it.skipIf(!needProgram('systemd-sysusers') || !needProgram('systemd-tmpfiles'))(
    'sysusers and tmpfiles create the user and a 0700 state dir in a throwaway root',
    async () => {
      const root = tempDir();
      mkdirSync(join(root, 'etc', 'baken-gateway'), { recursive: true });
      mkdirSync(join(root, 'usr', 'lib', 'sysusers.d'), { recursive: true });
      mkdirSync(join(root, 'usr', 'lib', 'tmpfiles.d'), { recursive: true });
      cpSync(join(files, 'baken-gateway.sysusers'), join(root, 'usr/lib/sysusers.d/baken-gateway.conf'));
      cpSync(join(files, 'baken-gateway.tmpfiles'), join(root, 'usr/lib/tmpfiles.d/baken-gateway.conf'));
      cpSync(join(files, 'gateway.json'), join(root, 'etc/baken-gateway/gateway.json'));
      const sysusers = await run('systemd-sysusers', [`--root=${root}`, 'baken-gateway.conf']);
      expect(sysusers.code, sysusers.out).toBe(0);
      const passwd = readFileSync(join(root, 'etc', 'passwd'), 'utf8');
      const user = /^baken:x:(\d+):(\d+):[^:]*:\/var\/lib\/baken-gateway:\/usr\/sbin\/nologin$/m.exec(passwd);
      expect(user, passwd).not.toBeNull();
      expect(readFileSync(join(root, 'etc', 'group'), 'utf8')).toMatch(/^dialout:x:\d+:baken$/m);
      const tmpfiles = await run('systemd-tmpfiles', [`--root=${root}`, '--create', 'baken-gateway.conf']);
      expect(tmpfiles.code, tmpfiles.out).toBe(0);
      const state = statSync(join(root, 'var', 'lib', 'baken-gateway'));
      expect(state.mode & 0o777).toBe(0o700);
      expect(String(state.uid)).toBe(user![1]);
      const config = statSync(join(root, 'etc', 'baken-gateway', 'gateway.json'));
      expect(config.mode & 0o777).toBe(0o640);
      expect(String(config.gid)).toBe(user![2]);
    },
  );

  it('the udev rules parse: every rule line is KEY[{attr}] op "value" pairs, every GOTO has its LABEL', () => {
    const rules = read('70-baken-gateway.rules');
    const pair = /^[A-Z_]+(\{[A-Za-z_]+\})?(==|!=|\+=|:=|=)"[^"]*"$/;
    const labels = new Set<string>();
    const gotos: string[] = [];
    for (const line of rules.split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      for (const part of line.split(/,\s*/)) {
        expect(part, line).toMatch(pair);
        const [, key, value] = /^([A-Z_]+)[^"]*"([^"]*)"$/.exec(part)!;
        if (key === 'LABEL') labels.add(value!);
        if (key === 'GOTO') gotos.push(value!);
      }
    }
    for (const g of gotos) expect(labels, g).toContain(g);
    // the service user's group, and the stable name the README tells technicians to configure
    expect(rules).toMatch(/GROUP="baken", MODE="0660"/);
    expect(rules).toContain('SYMLINK+="baken/keysafe-$env{ID_SERIAL_SHORT}"');
  });

  it.skipIf(!needProgram('dbus-daemon'))('the D-Bus policy is accepted by dbus-daemon', async () => {
    const dir = tempDir();
    const conf = join(dir, 'bus.conf');
    writeFileSync(
      conf,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${dir}</listen>
<policy context="default"><allow send_destination="*"/><allow own="*"/></policy>
<include>${join(files, 'baken-gateway-dbus.conf')}</include></busconfig>`,
    );
    // --print-address then exit: a config that does not parse fails before an address is printed
    const p = spawn('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--print-address'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const result = await new Promise<string>((resolve) => {
      let out = '';
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(`address ${out}`);
      });
      p.on('close', () => resolve(`exited ${stderr}`));
    });
    p.kill('SIGTERM');
    // a policy that does not parse is fatal before the address (an unknown `baken` user only warns)
    expect(result, stderr).toMatch(/^address unix:/);
  });
});
