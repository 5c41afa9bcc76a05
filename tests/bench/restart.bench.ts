// A region comes back after `kill -9` of the server (docs/scaling.md §3 "Restart"): the homes are
// the fleet simulator's (device-sim/src/fleet: the gateway's own uplink, back-off, subscriptions
// and `online` per home), spread over worker processes with their open-file limit raised. Time
// until every session is back, the peak connect rate, the server's CPU, and alarm latency during
// the storm — beside bare aedes' connect rate and CPU per connect with lean clients.
// The goal is 18,000 homes back within 60 s; full mode measures 18,000 directly.
import { availableParallelism, loadavg } from 'node:os';
import { type Fleet, startFleet } from '@baken/device-sim/fleet/index';
import { startBareAedes } from './support/aedes-proc.js';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures } from './support/latency.js';
import type { AlarmSample } from './support/probe.js';
import { cpuSeconds, tcpCounters } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';

const GOAL_HOMES = 18_000;
const GOAL_S = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

interface Storm {
  back: boolean;
  /** Seconds from `t0` until every session was up again. */
  allS: number;
  halfS: number;
  /** Most sessions that came up within one second. */
  peakPerS: number;
}

/** Polls the fleet's sessions from `t0` until all `homes` are up (or `timeoutMs`). */
async function watchStorm(
  fleet: Fleet,
  homes: number,
  t0: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Storm> {
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

async function untilConnected(fleet: Fleet, n: number, timeoutMs: number, what: string): Promise<void> {
  const t0 = now();
  while ((await fleet.stats()).connected < n) {
    if (now() - t0 > timeoutMs) throw new Error(`${what}: not every home connected`);
    await sleep(500);
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const homes = Number(process.env['BENCH_STORM_HOMES'] ?? (ctx.quick ? 600 : GOAL_HOMES));
  const processes = Math.max(1, Math.ceil(homes / 6_000));
  const region = await Region.start({ homes });
  const identities = region.homes.map((h) => ({ gatewayId: h.id, password: h.password }));
  const fleetOpts = { homes: identities, processes, connectRate: 1_000, heartbeatIntervalS: 60 };
  const G = `restart after kill -9 (${homes.toLocaleString('en-GB')} homes, fleet simulator)`;
  let fleet: Fleet | undefined;
  try {
    ctx.log(`connecting ${homes} simulated homes in ${processes} process(es)`);
    fleet = await startFleet({ ...fleetOpts, mqttUrl: `mqtt://${HOST}:${region.mqttPort}` });
    await untilConnected(fleet, homes, 600_000, 'first connect');

    ctx.log('kill -9 of the server, then a restart on the same data');
    const before = await fleet.stats();
    const tcp0 = tcpCounters();
    const tKill = now();
    await region.kill();
    const failedStarts = await region.restart();
    const tReady = now();
    const cpu0 = cpuSeconds(region.server.pid);
    ctx.log(`  server up ${((tReady - tKill) / 1000).toFixed(1)} s after the kill`);
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
    const storm = await watchStorm(fleet, homes, tKill, 600_000, ctx.log);
    const serverCpuS = cpuSeconds(region.server.pid) - cpu0;
    const after = await fleet.stats();
    const fleetCpuMs = (after.cpuMs - before.cpuMs) / homes;
    const failures = Object.entries(after.connectFailureReasons)
      .map(([r, n]) => [r, n - (before.connectFailureReasons[r] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const tcp1 = tcpCounters();
    ctx.log(
      `  failed attempts in the storm: ${failures.map(([r, n]) => `${n} × ${r}`).join(', ') || 'none'}`,
    );
    ctx.log(
      `  machine-wide TCP meanwhile: ${tcp1.listenOverflows - tcp0.listenOverflows} accept-queue overflows, ${tcp1.synRetrans - tcp0.synRetrans} SYN retransmits`,
    );
    storming = false;
    await probing;
    await fleet.stop({ drainMs: 0 });
    fleet = undefined;
    const downS = (tReady - tKill) / 1000;
    const fromReadyS = storm.allS - downS;
    // Why a storm took as long as it did, from what was measured (printed beside a goal not met).
    const serverPct = (100 * serverCpuS) / Math.max(fromReadyS, 0.001);
    const fleetPct = (after.cpuMs - before.cpuMs) / 10 / Math.max(storm.allS, 0.001);
    const timeouts = failures.find(([r]) => r === 'connack timeout')?.[1] ?? 0;
    const overflows = tcp1.listenOverflows - tcp0.listenOverflows;
    const why = [
      ...(downS > GOAL_S / 4 ? [`the server took ${downS.toFixed(0)} s to start again`] : []),
      `server at ${serverPct.toFixed(0)} % of a core, the simulator at ${fleetPct.toFixed(0)} %, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
      ...(timeouts > 0 ? [`${timeouts} attempts waited out the units' CONNACK timeout and backed off`] : []),
      ...(overflows > 0
        ? [`${overflows} accept-queue overflows on the machine (SYN retried 1-15 s later)`]
        : []),
      'the server accepts one connection per turn of its event loop (docs/scaling.md §4)',
    ].join('; ');

    // The baseline connects the same identities with the lean generator (CONNECT and one
    // SUBSCRIBE): bare aedes' own retained store scans every retained message on each SUBSCRIBE,
    // so the fleet's `online` and `config` made a storm of 18,000 quadratic there.
    ctx.log('baseline: the same homes connecting to a bare aedes broker');
    const aedes = await startBareAedes();
    const gen = await Generator.start(processes);
    let base = { rate: Number.NaN, cpuMs: Number.NaN };
    try {
      await gen.init({ host: HOST, port: aedes.port, homes: region.homes, acks: 'puback' });
      const t0 = now();
      const c0 = cpuSeconds(aedes.pid);
      await gen.connect(256);
      base = { rate: homes / ((now() - t0) / 1000), cpuMs: (1000 * (cpuSeconds(aedes.pid) - c0)) / homes };
    } finally {
      await gen.close();
      await aedes.stop();
    }

    const add = (name: string, value: number, unit: string, baseline: number, extra = {}) =>
      ctx.report.add({
        group: G,
        name,
        value,
        unit,
        baseline: { name: 'bare aedes', value: baseline },
        ...extra,
      });
    ctx.report.add({
      group: G,
      name: 'every home back, from the kill',
      value: storm.allS,
      unit: 's',
      note: `server up ${downS.toFixed(1)} s after the kill, every home back ${fromReadyS.toFixed(1)} s after that; half the homes back ${storm.halfS.toFixed(1)} s after the kill${storm.back ? '' : '; not every home came back within 10 minutes'}`,
      ...(homes >= GOAL_HOMES
        ? {
            goal: { op: '<=', target: GOAL_S, text: `${GOAL_HOMES.toLocaleString('en-GB')} in ≤ 60 s` },
            cause: why,
          }
        : {}),
    });
    add('peak connect rate in the storm (sessions up per second)', storm.peakPerS, 'homes/s', base.rate);
    // On a shared machine the server gets a share of a core: CPU per reconnect is what holds.
    const perHomeMs = (1000 * serverCpuS) / homes;
    add('CPU per home reconnected', perHomeMs, 'ms', base.cpuMs, {
      note: `server at ${((100 * serverCpuS) / Math.max(fromReadyS, 0.001)).toFixed(0)} % of a core during the storm`,
    });
    ctx.report.add({
      group: G,
      name: 'fleet simulator CPU per home reconnected (its processes together)',
      value: fleetCpuMs,
      unit: 'ms',
      note: `${after.processes} process(es); failed attempts: ${failures.map(([r, n]) => `${n} × ${r}`).join(', ') || 'none'}`,
    });
    ctx.report.add({
      group: G,
      name: `${GOAL_HOMES.toLocaleString('en-GB')} homes' reconnects at one full core (from CPU per home)`,
      value: (GOAL_HOMES * perHomeMs) / 1000,
      unit: 's',
      goal: { op: '<=', target: GOAL_S, text: '≤ 60 s' },
      cause: 'CPU per reconnect in the server (docs/scaling.md §4)',
    });
    ctx.report.add({
      group: G,
      name: 'server starts that failed under the storm',
      value: failedStarts,
      unit: '',
      goal: { op: '<=', target: 0, text: 'none' },
      cause: 'a start step timed out while the storm held the event loop',
    });
    latencyFigures(
      ctx,
      `${G}: alarm latency in the storm`,
      'publish → app ack',
      samples.map((s) => s.ackMs),
      {
        goals: { 99: { op: '<=', target: 200, text: 'p99 < 200 ms' } },
        cause: `alarms queue behind the storm's CONNECTs${lost > 0 ? `; ${lost} presses unanswered within 10 s` : ''}`,
      },
    );
  } finally {
    await fleet?.stop({ drainMs: 0 }).catch(() => undefined);
    await region.close();
  }
}
