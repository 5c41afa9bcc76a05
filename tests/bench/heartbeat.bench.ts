// Heartbeats and homes one server holds at ≤ 80 % of a core (the quality mark's load ceiling,
// docs/requirements.md), RSS per 1,000 connected homes, and alarm latency at that load; each beside
// a bare aedes broker fed by the same generator in the same run.
import { startPostgres } from '@baken/server/testing/postgres';
import { startBareAedes } from './support/aedes-proc.js';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures, pressMany } from './support/latency.js';
import type { AlarmSample } from './support/probe.js';
import { cpuMeter, cpuSeconds, rssMb } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';
import { formsLine, scrapeCounter } from './support/server-proc.js';

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

/** A server's heartbeat generator, connected, every home heard once. */
async function connected(r: Region, homes: number, procs: number): Promise<Generator> {
  const gen = await Generator.start(procs);
  await gen.init({ host: HOST, port: r.mqttPort, homes: r.homes, acks: 'app', will: true });
  const c = await gen.connect(16);
  if (c.failed > 0) throw new Error(`${c.failed} homes could not connect`);
  await gen.heartbeats(Math.min(homes * 2, 2_000), Math.max(1, homes / 1_000), 60);
  return gen;
}

/**
 * BENCH_BEFORE: this tree's server and that checkout's ramped in turns (before, now, before, now),
 * the cheapest step of each, so neither pays alone for a busy moment of the machine.
 */
async function compareBefore(
  ctx: BenchContext,
  region: Region,
  gen: Generator,
  before: Region,
  o: { homes: number; procs: number; rates: readonly number[]; seconds: number },
): Promise<void> {
  const oldGen = await connected(before, o.homes, o.procs);
  try {
    const counter = (r: Region) => () =>
      scrapeCounter(r.server, 'baken_mqtt_messages_in_total', 'kind="heartbeat"');
    const costs: [number[], number[]] = [[], []];
    for (let round = 0; round < 2; round++)
      for (const [i, [r, g]] of (
        [
          [before, oldGen],
          [region, gen],
        ] as const
      ).entries()) {
        const steps = await ramp(g, r.server.pid, o.rates, o.seconds, { processed: counter(r) });
        costs[i]!.push(...steps.map((st) => st.costMs));
        ctx.log(
          `  ${i === 0 ? 'BENCH_BEFORE' : 'this tree'}: ${steps.map((st) => `${Math.round(st.sent)}/s→${(st.costMs * 1000).toFixed(0)} µs`).join(', ')}`,
        );
      }
    const [old, now] = costs.map((c) => Math.min(...c)) as [number, number];
    ctx.report.add({
      group: 'capacity',
      name: 'CPU per heartbeat, this tree vs BENCH_BEFORE',
      value: now * 1000,
      unit: 'µs',
      baseline: { name: 'BENCH_BEFORE server, same run', value: old * 1000 },
      note: `cheapest step of two ramps each (${o.rates.join(', ')}/s, ${o.seconds} s); heartbeats/s at 80 %: ${((CEILING * 10) / now).toFixed(0)} now, ${((CEILING * 10) / old).toFixed(0)} before`,
    });
  } finally {
    await oldGen.close();
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  const homes = Number(process.env['BENCH_HB_HOMES'] ?? (ctx.quick ? 100 : 2_000));
  const rates = ctx.quick ? [1_000, 3_000, 6_000] : [1_000, 2_500, 4_000, 6_000, 8_000, 12_000];
  const seconds = ctx.quick ? 3 : 10;
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  // BENCH_DATABASE=postgres: the server (and BENCH_BEFORE's) on a throwaway PostgreSQL, a database each
  const pg = process.env['BENCH_DATABASE'] === 'postgres' ? await startPostgres() : undefined;
  const dbUrl = async (name: string) =>
    pg ? { databaseUrl: await pg.createDatabase({ name, icuLocale: 'nl-NL' }) } : {};
  if (pg) ctx.log('on PostgreSQL (BENCH_DATABASE=postgres)');
  // the production form (the bundle on plain node, docs/deploy/README.md); BENCH_SERVER_FORM=tsx
  // for the sources under their loader. The baseline is stock aedes on plain node (support/bare-aedes.ts).
  const region = await Region.start({ homes, form: 'bundle', ...(await dbUrl('baken_bench')) });
  ctx.log(formsLine(region.server.form));
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
    const beforeRoot = process.env['BENCH_BEFORE'];
    if (beforeRoot) {
      ctx.log('the BENCH_BEFORE server beside this one, ramped in turns');
      const before = await Region.start({
        homes,
        root: beforeRoot,
        form: 'bundle',
        ...(await dbUrl('baken_before')),
      });
      ctx.log(formsLine(region.server.form, before.server.form));
      try {
        await compareBefore(ctx, region, gen, before, { homes, procs, rates, seconds });
      } finally {
        await before.close();
      }
    }
  } finally {
    await gen.close();
    await bareGen.close();
    await aedes.stop();
    await region.close();
    await pg?.stop();
  }
}
