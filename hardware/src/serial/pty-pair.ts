import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../clock/system-clock.js';
import type { Clock } from '../clock.js';
import { HardwareError } from '../errors.js';
import { onProcessExit } from '../process-exit.js';

export interface PtyPair {
  /** Stable symlink to the first pseudo-terminal (open this with a `SerialPortLink`). */
  readonly a: string;
  /** Stable symlink to the second pseudo-terminal. */
  readonly b: string;
  /** The `/dev/pts/N` devices behind `a` and `b`. */
  readonly devices: readonly [string, string];
  /** socat's process id. */
  readonly pid: number;
  /**
   * Kills socat (both ends then read EIO, which a `SerialPortLink` reports as an unplug) and
   * removes the symlinks. Idempotent.
   */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the two symlinks; default a fresh temporary directory (removed on close). */
  dir?: string;
  /** How long to wait for socat to report both ptys. Default 5000 ms. */
  timeoutMs?: number;
  clock?: Clock;
  /** socat executable. Default `socat` from PATH. */
  socat?: string;
}

const PTY_LINE = /PTY is (\S+)/g;
const READY_LINE = /starting data transfer loop/;

/**
 * A connected pair of pseudo-terminals made by `socat` — a null-modem cable in software, for
 * tests, the device simulator CLI and the demo. Resolves once socat reports both ptys and has
 * entered its transfer loop; rejects with `BAKEN_ERR_SERIAL_OPEN` if socat is missing, exits or
 * does not get ready in time.
 */
export async function openPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
  const clock = opts.clock ?? new SystemClock();
  const ownDir = opts.dir === undefined;
  // Synchronous from the folder's creation to the exit cleanup's registration: no exit in between.
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'baken-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child = spawn(
    opts.socat ?? 'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else {
      child.once('exit', () => resolve());
      child.once('error', () => resolve()); // spawn failed: there is no process to wait for
    }
  });
  // Should the process end before close() (`process.exit`, an uncaught exception): same result.
  const forget = onProcessExit(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      child.kill('SIGTERM');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  });
  const cleanup = async (): Promise<void> => {
    await killChild(child, exited);
    if (ownDir) await rm(dir, { recursive: true, force: true });
    forget();
  };

  let devices: string[];
  try {
    devices = await waitReady(child, clock, opts.timeoutMs ?? 5000);
  } catch (err) {
    await cleanup();
    throw err;
  }
  // Keep draining stderr so socat never blocks on a full pipe.
  child.stderr?.resume();

  let closing: Promise<void> | undefined;
  return {
    a,
    b,
    devices: [devices[0] ?? a, devices[1] ?? b],
    pid: child.pid ?? -1,
    close: () => {
      closing ??= cleanup();
      return closing;
    },
  };
}

function waitReady(child: ChildProcess, clock: Clock, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (why: string, cause?: unknown): void => {
      done();
      reject(new HardwareError('BAKEN_ERR_SERIAL_OPEN', `socat pty pair: ${why}`, { cause }));
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (!READY_LINE.test(text)) return;
      done();
      resolve([...text.matchAll(PTY_LINE)].map((m) => m[1] ?? ''));
    };
    const onError = (err: Error): void => fail(`cannot start socat (${err.message})`, err);
    const onExit = (code: number | null): void => fail(`socat exited early (code ${code}): ${text.trim()}`);
    const timer = clock.setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const done = (): void => {
      clock.clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

async function killChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill('SIGTERM');
  }
  await exited;
}
