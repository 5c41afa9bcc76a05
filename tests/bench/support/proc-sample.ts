import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Clock } from '@baken/hardware';

/** Clock ticks per second of /proc/<pid>/stat utime/stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

export interface IdleSample {
  /** Resident memory at the end of the window (MB). */
  rssMb: number;
  /** Peak RSS seen during the window (MB). */
  peakRssMb: number;
  /** CPU used during the window, percent of one core. */
  cpuPercent: number;
}

/** CPU time a process has used so far (user + system), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the ")" of comm: state is field 3; utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Resident memory of a process now (MB), from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Starts `node [nodeArgs] entry [arg]` (a bundled .mjs, or `-e` and a script), waits for its
 * `ready` line.
 */
export async function startEntry(
  entry: string,
  env: Record<string, string>,
  arg?: string,
  nodeArgs: readonly string[] = [],
): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, ...(arg === undefined ? [entry] : [entry, arg])], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before ready`)));
  });
  return proc;
}

/** Samples a running process's RSS and CPU over `seconds` after `warmupS` (idle measurement). */
export async function sampleIdle(
  pid: number,
  clock: Clock,
  seconds: number,
  warmupS: number,
): Promise<IdleSample> {
  await clock.sleep(warmupS * 1000);
  const t0 = clock.monotonic();
  const c0 = cpuTicks(pid);
  let peak = rssMb(pid);
  for (let i = 0; i < seconds; i++) {
    await clock.sleep(1000);
    peak = Math.max(peak, rssMb(pid));
  }
  const elapsedS = (clock.monotonic() - t0) / 1000;
  const cpuS = (cpuTicks(pid) - c0) / USER_HZ;
  return { rssMb: rssMb(pid), peakRssMb: peak, cpuPercent: (100 * cpuS) / elapsedS };
}

export async function stopEntry(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  await exited;
}

/** Measures a process's CPU over a window: `const stop = cpuMeter(pid); …; stop()` → % of one core. */
export function cpuMeter(pid: number): () => number {
  const t0 = performance.now();
  const c0 = cpuTicks(pid);
  return () => {
    const s = (performance.now() - t0) / 1000;
    return (100 * (cpuTicks(pid) - c0)) / USER_HZ / s;
  };
}

/** CPU seconds a process has used so far. */
export const cpuSeconds = (pid: number): number => cpuTicks(pid) / USER_HZ;

/**
 * Waits until a process is quiet (under 5 % of a core over half a second, at most `maxMs`): the
 * backlog of a load step is worked off, so the CPU it cost is all counted. On a shared machine a
 * process gets only part of a core; CPU seconds per message stays true when the share does not.
 */
export async function waitQuiet(pid: number, maxMs = 15_000): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const c0 = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuTicks(pid) - c0 <= 0.05 * 0.5 * USER_HZ || performance.now() - t0 > maxMs) return;
  }
}

/**
 * Machine-wide TCP counters from /proc/net/netstat that tell why connects stall: `ListenOverflows`
 * (a listener's accept queue was full, the handshake was dropped and the client retries its SYN
 * after 1, 3, 7, 15 s …) and `TCPSynRetrans`. Shared by every process on the machine: read them
 * as a delta over a window, knowing that other jobs count too.
 */
export function tcpCounters(): { listenOverflows: number; synRetrans: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const out = { listenOverflows: 0, synRetrans: 0 };
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const h = lines[i]!.split(' ');
    const v = lines[i + 1]!.split(' ');
    if (h[0] !== 'TcpExt:') continue;
    out.listenOverflows = Number(v[h.indexOf('ListenOverflows')] ?? 0);
    out.synRetrans = Number(v[h.indexOf('TCPSynRetrans')] ?? 0);
  }
  return out;
}

/**
 * CPU time a server and its direct children have used so far (clock ticks): PostgreSQL's postmaster
 * with its backends, including children that already ended (the postmaster's cutime/cstime).
 */
export function treeCpuTicks(rootPid: number): number {
  const root = readFileSync(`/proc/${rootPid}/stat`, 'utf8');
  const rf = root.slice(root.lastIndexOf(')') + 2).split(' ');
  let ticks = Number(rf[11]) + Number(rf[12]) + Number(rf[13]) + Number(rf[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === rootPid) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[1]) === rootPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks;
}
