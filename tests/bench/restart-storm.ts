// One reconnect storm of the restart bench (restart.bench.ts): `kill -9` of the server, a restart
// on the same data and ports, and what the fleet and the server did until every home was back.
import type { Fleet } from '@baken/device-sim/fleet/index';
import { ListenQueueSampler } from './restart-listen-queue.js';
import type { AlarmSample } from './support/probe.js';
import { cpuSeconds, tcpCounters } from './support/proc-sample.js';
import type { Region } from './support/region.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

export interface StormResult {
  back: boolean;
  /** Seconds from the kill until every session was up again. */
  allS: number;
  halfS: number;
  /** Seconds from the kill until the server was up again. */
  downS: number;
  /** Most sessions that came up within one second. */
  peakPerS: number;
  failedStarts: number;
  /** Server CPU from its start until every home was back (s). */
  serverCpuS: number;
  /** Server CPU from its spawn until it listened: the start itself (s). */
  startCpuS: number;
  /** Fleet simulator CPU per home reconnected (ms). */
  fleetCpuMs: number;
  /** Failed attempts of the units by reason, most first. */
  failures: Array<readonly [string, number]>;
  overflows: number;
  synRetrans: number;
  queue: ListenQueueSampler;
  samples: AlarmSample[];
  /** Alarm presses unanswered within 10 s. */
  lost: number;
}

/** Polls the fleet's sessions from `t0` until all `homes` are up (or `timeoutMs`). */
async function watch(fleet: Fleet, homes: number, t0: number, timeoutMs: number, log: (l: string) => void) {
  let halfS = Number.NaN;
  let shown = now();
  let peakPerS = 0;
  const window: Array<{ t: number; n: number }> = [];
  while (now() - t0 < timeoutMs) {
    const n = (await fleet.stats()).connected;
    const t = now();
    window.push({ t, n });
    while (window.length > 1 && t - window[0]!.t > 1000) window.shift();
    if (t - window[0]!.t >= 500)
      peakPerS = Math.max(peakPerS, ((n - window[0]!.n) * 1000) / (t - window[0]!.t));
    if (Number.isNaN(halfS) && n >= homes / 2) halfS = (t - t0) / 1000;
    if (t - shown >= 10_000) {
      shown = t;
      log(`  ${((t - t0) / 1000).toFixed(0)} s: ${n} of ${homes} homes back`);
    }
    if (n >= homes) return { back: true, allS: (t - t0) / 1000, halfS, peakPerS };
    await sleep(200);
  }
  return { back: false, allS: (now() - t0) / 1000, halfS, peakPerS };
}

export async function untilConnected(
  fleet: Fleet,
  n: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const t0 = now();
  while ((await fleet.stats()).connected < n) {
    if (now() - t0 > timeoutMs) throw new Error(`${what}: not every home connected`);
    await sleep(500);
  }
}

/**
 * `kill -9` of the region's server and a restart (with `root`'s server, if given), an alarm pressed
 * every 200 ms by the region's probe meanwhile; resolves once every home is back (or 10 minutes).
 */
export async function storm(
  region: Region,
  fleet: Fleet,
  homes: number,
  log: (line: string) => void,
  root?: string,
): Promise<StormResult> {
  const before = await fleet.stats();
  const tcp0 = tcpCounters();
  const queue = new ListenQueueSampler(region.mqttPort).start();
  const tKill = now();
  await region.kill();
  const failedStarts = await region.restart(5, root);
  const tReady = now();
  const cpu0 = cpuSeconds(region.server.pid);
  log(
    `  server up ${((tReady - tKill) / 1000).toFixed(1)} s after the kill, its start took ${cpu0.toFixed(2)} s of CPU`,
  );
  const samples: AlarmSample[] = [];
  let lost = 0;
  let storming = true;
  const probing = (async () => {
    while (storming) {
      try {
        if (!region.probe.connected) await region.reopenProbe();
        samples.push(await region.probe.press(10_000));
      } catch {
        lost += 1;
      }
      await sleep(200);
    }
  })();
  // The goal counts from the kill: the restart (a service manager's, at once) is part of it.
  const w = await watch(fleet, homes, tKill, 600_000, log);
  const serverCpuS = cpuSeconds(region.server.pid) - cpu0;
  const after = await fleet.stats();
  const tcp1 = tcpCounters();
  queue.stop();
  storming = false;
  await probing;
  const failures = Object.entries(after.connectFailureReasons)
    .map(([r, n]) => [r, n - (before.connectFailureReasons[r] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const result: StormResult = {
    ...w,
    downS: (tReady - tKill) / 1000,
    failedStarts,
    serverCpuS,
    startCpuS: cpu0,
    fleetCpuMs: (after.cpuMs - before.cpuMs) / homes,
    failures,
    overflows: tcp1.listenOverflows - tcp0.listenOverflows,
    synRetrans: tcp1.synRetrans - tcp0.synRetrans,
    queue,
    samples,
    lost,
  };
  log(`  failed attempts in the storm: ${failures.map(([r, n]) => `${n} × ${r}`).join(', ') || 'none'}`);
  log(
    `  machine-wide TCP meanwhile: ${result.overflows} accept-queue overflows, ${result.synRetrans} SYN retransmits`,
  );
  log(
    `  the server's accept queue: at most ${queue.peak} waiting, full in ${queue.fullSamples} of ${queue.samples} samples; ${queue.descriptors} listening descriptors`,
  );
  if (process.env['BENCH_QUEUE_TRACE']) {
    log(`  accept queue [ms, waiting]: ${queue.series.map(([t, n]) => `${t}:${n}`).join(' ')}`);
    const t0 = Date.now() - (now() - tReady);
    log(
      `  alarms [ms after the start, puback ms, ack ms]: ${samples.map((x) => `${x.publishedAt - t0}:${x.pubackMs.toFixed(0)}:${x.ackMs.toFixed(0)}`).join(' ')}`,
    );
  }
  log(
    `  server CPU per home reconnected ${((1000 * serverCpuS) / homes).toFixed(2)} ms; every home back ${w.allS.toFixed(1)} s after the kill`,
  );
  return result;
}
