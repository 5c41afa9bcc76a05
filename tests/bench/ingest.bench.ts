// Ingest capacity and alarm latency at idle: the whole pipeline (server as a child process, events
// stored and app-acked [MQTT-MAP §4.2]) against a bare aedes broker fed by the same generator in
// the same run. Goals: docs/scaling.md §Goals.
import { loadavg } from 'node:os';
import { startPostgres } from '@baken/server/testing/postgres';
import { bareLatency, startBareAedes } from './support/aedes-proc.js';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures, pressMany } from './support/latency.js';
import { cpuMeter } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';
import { formsLine } from './support/server-proc.js';

const HOMES = 100;
const IN_FLIGHT = 100;

/** Rate and the measured process's CPU over the window after a warm-up of the same load. */
async function flood(gen: Generator, pid: number, seconds: number, warmupS: number): Promise<Flood> {
  let cpu = cpuMeter(pid);
  const timer = setTimeout(() => {
    cpu = cpuMeter(pid);
  }, warmupS * 1000);
  const rate = await gen.flood(seconds, IN_FLIGHT, warmupS);
  clearTimeout(timer);
  return { rate, cpu: cpu() };
}

interface Flood {
  rate: number;
  cpu: number;
}

/** On a shared machine a process gets only part of a core: CPU per event stays true when the share does not. */
const at80 = (r: Flood) => (r.rate * 80) / Math.max(r.cpu, 1);
const cpuUsPerMessage = (r: Flood) => (r.cpu * 1e4) / Math.max(r.rate, 1);

/**
 * CPU time per event, beside bare aedes' CPU per PUBACK, and — with BENCH_BEFORE=<another
 * checkout> — beside that checkout's server measured in the same run (before/after a change).
 */
function cpuFigures(
  ctx: BenchContext,
  what: string,
  server: Flood,
  base: Flood,
  old?: Flood,
  forms = '',
): void {
  ctx.report.add({
    group: 'ingest',
    name: `${what}: server CPU per event stored + app-acked`,
    value: cpuUsPerMessage(server),
    unit: 'µs',
    baseline: { name: 'bare aedes CPU per PUBACK', value: cpuUsPerMessage(base) },
    goal: { op: '<=', target: 2, text: '≤ 2× bare aedes', onRatio: true },
    cause: 'per-event and per-gateway work in the server (docs/scaling.md §4)',
  });
  if (old)
    ctx.report.add({
      group: 'ingest',
      name: `${what}: CPU per event, this tree vs BENCH_BEFORE`,
      value: cpuUsPerMessage(server),
      unit: 'µs',
      baseline: { name: 'BENCH_BEFORE server, same run', value: cpuUsPerMessage(old) },
      note: `events/s at 80 %: ${at80(server).toFixed(0)} now, ${at80(old).toFixed(0)} before; ${forms}`,
    });
}

/**
 * The server's flood; with a BENCH_BEFORE server, both twice in turns (after, before, after,
 * before) and the cheaper round of each, so neither pays alone for a busy moment of the machine.
 * `BENCH_ROUNDS=<n>` takes n rounds of each instead of two: two identical servers differ by up to
 * 7 % in two rounds on a loaded machine (docs/scaling.md §3, "CPU per event on the SQLite path").
 */
async function compare(
  gens: Generator[],
  servers: Region[],
  seconds: number,
  warmupS: number,
): Promise<[Flood, Flood | undefined]> {
  if (servers.length === 1)
    return [await flood(gens[0]!, servers[0]!.server.pid, seconds, warmupS), undefined];
  const rounds: Flood[][] = [[], []];
  const n = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 2));
  for (let r = 0; r < n; r++)
    for (const i of [0, 1]) rounds[i]!.push(await flood(gens[i]!, servers[i]!.server.pid, seconds, warmupS));
  const best = (fs: Flood[]) => fs.reduce((a, f) => (cpuUsPerMessage(f) < cpuUsPerMessage(a) ? f : a));
  return [best(rounds[0]!), best(rounds[1]!)];
}

export async function run(ctx: BenchContext): Promise<void> {
  // 10,000 events start in flight at once: on a busy machine the server needs seconds to work off
  // that first burst (and to warm up), so even the quick run gives it a few before it counts
  const seconds = ctx.quick ? 5 : 15;
  const warmupS = ctx.quick ? 4 : 5;
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  // BENCH_DATABASE=postgres: both servers (this tree's and BENCH_BEFORE's) on a throwaway
  // PostgreSQL, each on its own database, so a change to the turn's round trips is measured there too
  const pg = process.env['BENCH_DATABASE'] === 'postgres' ? await startPostgres() : undefined;
  const dbUrl = async (name: string) =>
    pg ? { databaseUrl: await pg.createDatabase({ name, icuLocale: 'nl-NL' }) } : {};
  // the production form (the bundle on plain node, docs/deploy/README.md), BENCH_BEFORE's too
  // where that checkout has a server build; BENCH_SERVER_FORM=tsx for the sources
  const region = await Region.start({ homes: HOMES, form: 'bundle', ...(await dbUrl('baken_bench')) });
  const beforeRoot = process.env['BENCH_BEFORE'];
  const before = beforeRoot
    ? await Region.start({ homes: HOMES, root: beforeRoot, form: 'bundle', ...(await dbUrl('baken_before')) })
    : undefined;
  if (pg) ctx.log('both servers on PostgreSQL (BENCH_DATABASE=postgres)');
  const forms = formsLine(region.server.form, before?.server.form);
  ctx.log(forms);
  // the baseline is stock aedes (its own `debug` and all) from node_modules, on plain node too
  ctx.log('bare aedes: the stock package on plain node (support/bare-aedes.ts, bundled with aedes external)');
  const aedes = await startBareAedes();
  try {
    // BENCH_PAGE_FIRST=1: serve each server one page before measuring, as a region with its
    // dashboards open always has (docs/scaling.md, "A served page and the ingest turn")
    if (process.env['BENCH_PAGE_FIRST'] === '1')
      for (const r of before ? [region, before] : [region]) {
        const page = await fetch(`${r.server.url}/login`);
        if (page.status !== 200) throw new Error(`/login answered ${page.status}`);
      }
    // idle alarm latency first, on a quiet server
    const presses = ctx.quick ? 40 : 300;
    ctx.log(`alarm latency at idle, ${presses} presses`);
    await pressMany(region.probe, 10, 5); // warm-up
    const idle = await pressMany(region.probe, presses, 5);
    const bare = await bareLatency(aedes.port, region.spare[0]!, presses);
    const committed = await region.committedMs(idle.samples);
    const g = 'alarm latency, idle';
    latencyFigures(
      ctx,
      g,
      'publish → PUBACK',
      idle.samples.map((s) => s.pubackMs),
      { baselineName: 'bare aedes PUBACK', baseline: bare },
    );
    latencyFigures(ctx, g, 'publish → committed', committed, {
      baselineName: 'bare aedes PUBACK',
      baseline: bare,
    });
    latencyFigures(
      ctx,
      g,
      'publish → app ack',
      idle.samples.map((s) => s.ackMs),
      {
        baselineName: 'bare aedes PUBACK',
        baseline: bare,
        goals: { 50: { op: '<=', target: 5, text: 'p50 < 5 ms' } },
        cause: 'see the server CPU profile in docs/scaling.md (socket delay, per-event commits)',
      },
    );
    latencyFigures(
      ctx,
      g,
      'publish → live stream',
      idle.samples.map((s) => s.streamMs),
      { baselineName: 'bare aedes PUBACK', baseline: bare },
    );

    ctx.log(
      `ingest capacity: ${HOMES} homes × ${IN_FLIGHT} in flight, ${seconds} s, generator in ${procs} processes${before ? ', with the BENCH_BEFORE server' : ''}`,
    );
    const servers = before ? [region, before] : [region];
    const gens = await Promise.all(servers.map(() => Generator.start(procs)));
    const bareGen = await Generator.start(procs);
    try {
      for (const [i, r] of servers.entries()) {
        await gens[i]!.init({ host: HOST, port: r.mqttPort, homes: r.homes, acks: 'app' });
        const c = await gens[i]!.connect(20);
        if (c.failed > 0) throw new Error(`${c.failed} homes could not connect`);
      }
      await bareGen.init({ host: HOST, port: aedes.port, homes: region.homes, acks: 'puback' });
      await bareGen.connect(50);
      const base = await flood(bareGen, aedes.pid, seconds, warmupS);
      const [server, old] = await compare(gens, servers, seconds, warmupS);
      ctx.report.add({
        group: 'ingest',
        name: `events stored + app-acked, ${HOMES} homes × ${IN_FLIGHT} in flight`,
        value: server.rate,
        unit: '/s',
        baseline: { name: 'bare aedes PUBACKs/s', value: base.rate },
        goal: { op: '>=', target: 0.5, text: '≥ 0.5× bare aedes', onRatio: true },
        cause:
          server.cpu >= 70
            ? `server at ${server.cpu.toFixed(0)} % of a core (CPU-bound): per-event work in ingest/health`
            : `the server got only ${server.cpu.toFixed(0)} % of a core on this shared machine; see the figure at 80 %`,
        note: `server ${server.cpu.toFixed(0)} % CPU, bare aedes ${base.cpu.toFixed(0)} % CPU`,
      });
      ctx.report.add({
        group: 'ingest',
        name: 'events/s at 80 % of a core (rate ÷ CPU share)',
        value: at80(server),
        unit: '/s',
        baseline: { name: 'bare aedes PUBACKs/s at 80 %', value: at80(base) },
        goal: { op: '>=', target: 0.5, text: '≥ 0.5× bare aedes', onRatio: true },
        cause: 'CPU per stored event: see the CPU per event below and docs/scaling.md §4',
      });
      cpuFigures(ctx, `${HOMES} homes × ${IN_FLIGHT} in flight`, server, base, old, forms);
    } finally {
      for (const g of gens) await g.close();
      await bareGen.close();
    }

    ctx.log('one home, 100 in flight');
    const ones = await Promise.all(servers.map(() => Generator.start(1)));
    const oneBare = await Generator.start(1);
    try {
      for (const [i, r] of servers.entries()) {
        await ones[i]!.init({ host: HOST, port: r.mqttPort, homes: [r.spare[1]!], acks: 'app' });
        await ones[i]!.connect(1);
      }
      await oneBare.init({ host: HOST, port: aedes.port, homes: [region.spare[1]!], acks: 'puback' });
      await oneBare.connect(1);
      const b = await flood(oneBare, aedes.pid, seconds, warmupS);
      const [s, old] = await compare(ones, servers, seconds, warmupS);
      ctx.report.add({
        group: 'ingest',
        name: 'one home, 100 in flight: events app-acked',
        value: s.rate,
        unit: '/s',
        baseline: { name: 'bare aedes PUBACKs/s', value: b.rate },
        note: `server ${s.cpu.toFixed(0)} % CPU`,
      });
      ctx.report.add({
        group: 'ingest',
        name: 'one home, 100 in flight: server CPU',
        value: s.cpu,
        unit: '% core',
        goal: { op: '>=', target: 70, text: 'CPU-bound (≥ 70 %)' },
        cause: `the server got ${s.cpu.toFixed(0)} % of a core: it waits between batches (socket delay, ack path) or the shared machine gave it no more (load ${loadavg()[0]!.toFixed(1)})`,
      });
      cpuFigures(ctx, 'one home, 100 in flight', s, b, old, forms);
    } finally {
      for (const g of ones) await g.close();
      await oneBare.close();
    }
  } finally {
    await aedes.stop();
    await before?.close();
    await region.close();
    await pg?.stop();
  }
}
