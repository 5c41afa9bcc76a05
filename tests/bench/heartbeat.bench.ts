// Heartbeats and homes one server holds at ≤ 80 % of a core (the quality mark's load ceiling,
// docs/requirements.md), RSS per 1,000 connected homes, and alarm latency at that load; each beside
// a bare aedes broker fed by the same generator in the same run.
import { startBareAedes } from './support/aedes-proc.js';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures, pressMany } from './support/latency.js';
import type { AlarmSample } from './support/probe.js';
import { cpuMeter, cpuSeconds, rssMb } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';
import { scrapeCounter } from './support/server-proc.js';

const CEILING = 80;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Step {
  rate: number;
  sent: number;
  /** Share of a core the process got during the step (on a shared machine, not what it needed). */
  cpu: number;
  /** CPU milliseconds per heartbeat, the step's backlog included. */
  costMs: number;
  samples: AlarmSample[];
}

/** Heartbeats/s one process takes at `CEILING` % of a core, from the cost of the cheapest step. */
export function rateAtCeiling(steps: readonly Step[]): number {
  const cost = Math.min(...steps.map((s) => s.costMs));
  return (CEILING * 10) / cost;
}

/**
 * Steps of heartbeat load. The generator returns once the broker has handled every heartbeat (a
 * PINGRESP barrier); `processed` (the server's own counter) then says when ingest has too. CPU is
 * counted from the step's start to that point, so a backlog worked off late still counts.
 */
async function ramp(
  gen: Generator,
  pid: number,
  rates: readonly number[],
  seconds: number,
  o: { probe?: Region['probe']; processed?: () => Promise<number> } = {},
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of rates) {
    const n0 = (await o.processed?.()) ?? 0;
    const cpu = cpuMeter(pid);
    const c0 = cpuSeconds(pid);
    let over = false;
    const probe = o.probe;
    const probing = probe ? pressMany(probe, 10_000, 50, () => over) : Promise.resolve({ samples: [] });
    const sent = await gen.heartbeats(rate, seconds, 60);
    over = true;
    const total = sent * seconds;
    let handled = total;
    if (o.processed) {
      const t0 = performance.now();
      for (;;) {
        handled = (await o.processed()) - n0;
        if (handled >= total * 0.999 || performance.now() - t0 > 60_000) break;
        await sleep(100);
      }
    }
    const c = cpu();
    const costMs = ((cpuSeconds(pid) - c0) * 1000) / Math.max(1, handled);
    const { samples } = await probing;
    steps.push({ rate, sent, cpu: c, costMs, samples });
  }
  return steps;
}

export async function run(ctx: BenchContext): Promise<void> {
  const homes = Number(process.env['BENCH_HB_HOMES'] ?? (ctx.quick ? 100 : 2_000));
  const rates = ctx.quick ? [1_000, 3_000, 6_000] : [1_000, 2_500, 4_000, 6_000, 8_000, 12_000];
  const seconds = ctx.quick ? 3 : 10;
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  const region = await Region.start({ homes });
  const aedes = await startBareAedes();
  const gen = await Generator.start(procs);
  const bareGen = await Generator.start(procs);
  try {
    await sleep(2_000);
    const rss0 = rssMb(region.server.pid);
    const bare0 = rssMb(aedes.pid);
    ctx.log(`connecting ${homes} homes`);
    await gen.init({ host: HOST, port: region.mqttPort, homes: region.homes, acks: 'app', will: true });
    const c = await gen.connect(16);
    if (c.failed > 0) throw new Error(`${c.failed} homes could not connect`);
    await bareGen.init({ host: HOST, port: aedes.port, homes: region.homes, acks: 'puback', will: true });
    await bareGen.connect(32);
    await gen.heartbeats(Math.min(homes * 2, 2_000), Math.max(1, homes / 1_000), 60); // every home known
    await sleep(2_000);
    const perK = ((rssMb(region.server.pid) - rss0) * 1000) / homes;
    const barePerK = ((rssMb(aedes.pid) - bare0) * 1000) / homes;
    ctx.report.add({
      group: 'capacity',
      name: `server RSS per 1,000 connected homes (${homes} homes)`,
      value: perK,
      unit: 'MB',
      baseline: { name: 'bare aedes per 1,000 connections', value: barePerK },
      note: `server RSS ${rssMb(region.server.pid).toFixed(0)} MB with ${homes} homes, ${rss0.toFixed(0)} MB with none`,
    });

    ctx.log(`heartbeat ramp ${rates.join(', ')}/s, ${seconds} s each, alarms pressed meanwhile`);
    const steps = await ramp(gen, region.server.pid, rates, seconds, {
      probe: region.probe,
      processed: () => scrapeCounter(region.server, 'baken_mqtt_messages_in_total', 'kind="heartbeat"'),
    });
    const bareSteps = await ramp(bareGen, aedes.pid, rates, seconds);
    for (const s of steps)
      ctx.log(
        `  ${Math.round(s.sent)}/s: server got ${s.cpu.toFixed(0)} % of a core, ${s.costMs.toFixed(3)} CPU ms each`,
      );
    const at = rateAtCeiling(steps);
    const bareAt = rateAtCeiling(bareSteps);
    ctx.report.add({
      group: 'capacity',
      name: 'heartbeats/s at 80 % of a core',
      value: at,
      unit: '/s',
      baseline: { name: 'bare aedes at 80 %', value: bareAt },
      goal: { op: '>=', target: 5_000, text: '≥ 5,000/s' },
      cause: 'per-heartbeat commits and reads in the health module (docs/scaling.md)',
      note: `80 % of a core ÷ CPU per heartbeat (${Math.min(...steps.map((s) => s.costMs)).toFixed(3)} ms, backlog included); steps got ${steps.map((s) => `${Math.round(s.sent)}/s→${s.cpu.toFixed(0)}%`).join(', ')} of a core`,
    });
    ctx.report.add({
      group: 'capacity',
      name: 'homes held at 80 % (one heartbeat a minute)',
      value: at * 60,
      unit: 'homes',
      goal: { op: '>=', target: 300_000, text: '≥ 300,000' },
      cause: 'as heartbeats/s above',
    });
    // "full load": the highest step at or below the heartbeat rate that takes 80 % of a core
    const loaded = [...steps].reverse().find((s) => s.sent <= at) ?? steps[0]!;
    latencyFigures(
      ctx,
      `alarm latency at ${Math.round(loaded.sent)} heartbeats/s (server ${loaded.cpu.toFixed(0)} % CPU)`,
      'publish → app ack',
      loaded.samples.map((s) => s.ackMs),
      {
        goals: { 99: { op: '<=', target: 200, text: 'p99 < 200 ms' } },
        cause:
          loaded.cpu < (loaded.sent * loaded.costMs) / 10
            ? `the server got ${loaded.cpu.toFixed(0)} % of a core on this shared machine but needed ${((loaded.sent * loaded.costMs) / 10).toFixed(0)} %: a backlog grew`
            : 'alarms wait behind heartbeat work on the one event loop',
      },
    );
    latencyFigures(
      ctx,
      `alarm latency at ${Math.round(loaded.sent)} heartbeats/s`,
      'publish → live stream',
      loaded.samples.map((s) => s.streamMs),
    );
  } finally {
    await gen.close();
    await bareGen.close();
    await aedes.stop();
    await region.close();
  }
}
