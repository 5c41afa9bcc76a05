import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onProcessExit } from '../../process-exit.js';

export interface PrivateDbus {
  /** D-Bus address (`unix:path=…,guid=…`) to export as `DBUS_SYSTEM_BUS_ADDRESS`. */
  readonly address: string;
  /**
   * Stops the daemon and removes its temp directory; idempotent. Should the process end first
   * (`process.exit`, an uncaught exception), both happen on exit anyway.
   */
  stop(): Promise<void>;
}

/**
 * A system-like bus config that lets every local user own any name and send/receive anything:
 * for tests and the demo only, never for a real host (dbus-daemon(1), "CONFIGURATION FILE").
 */
function busConfig(socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;
}

/**
 * Starts `dbus-daemon --nofork --print-address` on a unix socket in a fresh temp dir and
 * resolves with its address once the daemon prints it (rejects with the daemon's stderr if it
 * exits first). The caller must `stop()` it.
 */
export async function startPrivateDbus(opts: { program?: string } = {}): Promise<PrivateDbus> {
  // Synchronous from the folder's creation to the exit cleanup's registration: no exit in between.
  const dir = mkdtempSync(join(tmpdir(), 'baken-dbus-'));
  const config = join(dir, 'bus.conf');
  writeFileSync(config, busConfig(join(dir, 'system_bus_socket')));
  const child: ChildProcess = spawn(
    opts.program ?? 'dbus-daemon',
    [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const forget = onProcessExit(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  let address: string;
  try {
    address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        lines.close();
        resolve(line.trim());
      });
      child.once('error', reject);
      void exited.then(() => reject(new Error(`dbus-daemon exited: ${stderr.trim()}`)));
    });
  } catch (err) {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    forget();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    address,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
        forget();
      })();
      return stopping;
    },
  };
}
