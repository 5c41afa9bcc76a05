import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from '@baken/hardware/testing/external-program';
import { mosquittoConfText } from '@baken/server/broker/mosquitto-config';

export interface RunningMosquitto {
  /** The gateways' listener. */
  url: string;
  /** The server's own listener. */
  serverUrl: string;
  dir: string;
  passwordFile: string;
  pidFile: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited early: ${output()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${output()}`);
}

/**
 * Starts a real Mosquitto on two loopback ports (gateways, server) with Baken's generated
 * configuration (`mosquittoConfText`): authentication on, a password file holding the server's own
 * user, Baken's generated ACL and limits.
 */
export async function startMosquitto(opts: {
  serverUser: string;
  serverPasswordLine: string;
  aclText: string;
  /** More `password_file` lines (gateways enrolled without provisioning). */
  extraPasswordLines?: readonly string[];
  /** Fixed ports (a restarted broker listens where its clients look); free ports by default. */
  ports?: { gateway: number; server: number };
}): Promise<RunningMosquitto> {
  const bin = findProgram('mosquitto') ?? '/usr/sbin/mosquitto';
  const dir = mkdtempSync(join(tmpdir(), 'baken-mosquitto-'));
  const port = opts.ports?.gateway ?? (await freePort());
  const serverPort = opts.ports?.server ?? (await freePort());
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  const pidFile = join(dir, 'mosquitto.pid');
  writeFileSync(
    passwordFile,
    `${[opts.serverPasswordLine, ...(opts.extraPasswordLines ?? [])].join('\n')}\n`,
    {
      mode: 0o600,
    },
  );
  writeFileSync(aclFile, opts.aclText, { mode: 0o600 });
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    mosquittoConfText({
      gatewayListener: { port, host: '127.0.0.1' },
      serverListener: { port: serverPort, host: '127.0.0.1' },
      passwordFile,
      aclFile,
      pidFile,
      extra: [
        'persistence false',
        // Run as whoever started the test: as root Mosquitto would otherwise switch to the
        // `mosquitto` user, who cannot read our owner-only files in a private temp folder.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        'log_type error',
        'log_type warning',
      ],
    }),
  );
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await waitForPort(port, child, () => out);
  await waitForPort(serverPort, child, () => out);
  // The pid file is written around the time the listener opens; the server reads it to reload.
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    serverUrl: `mqtt://127.0.0.1:${serverPort}`,
    dir,
    passwordFile,
    pidFile,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}
