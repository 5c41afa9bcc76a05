// The clustered deployment (RabbitMQ, PostgreSQL, identical server instances) with one and then two
// instances, beside the embedded SQLite server, same generator, same run: CPU per event of each
// part (each instance, PostgreSQL's processes, RabbitMQ's Erlang VM), events/s, alarm latency
// through the cluster, and a correctness check (every event stored once and acked once). From the
// per-event costs docs/scaling.md §6 derives what one instance holds and how many instances one
// PostgreSQL core and one broker node feed. Skips, saying why, when PostgreSQL or RabbitMQ is missing.
import { type FloodResult, floodAndSettle, type Meter } from './support/cluster-flood.js';
import { ClusterRegion, clusterMissing, processTreeTicks } from './support/cluster-region.js';
import type { BenchContext } from './support/figures.js';
import type { HomeCred } from './support/gen-proc.js';
import { latencyFigures, pressMany } from './support/latency.js';
import type { AlarmProbe, AlarmSample } from './support/probe.js';
import { cpuTicks } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';
import { type ServerProc, scrapeCounter } from './support/server-proc.js';

/**
 * Two loads. `burst`: the flood of §6's single-instance figure, few homes with many events each in
 * flight, so both instances' turns write the same homes' rows. `spread`: one event in flight per
 * home, so no two turns ever hold the same home's rows (what a region's homes, each sending rarely,
 * look like), but nothing batches either: one event per ack.
 */
const SHAPES = {
  burst: { homes: 100, inFlight: 100 },
  spread: { homes: 1000, inFlight: 1 },
} as const;
type Shape = keyof typeof SHAPES;

interface Phase {
  f: FloodResult;
  deadlocks: number;
  /** Events of turns that failed (nothing acked; a gateway sends them again). */
  failedTurnEvents: number;
  /** Sent events found in PostgreSQL (null on SQLite). */
  stored: number | null;
}

const storeErrors = async (instances: readonly ServerProc[]) =>
  (
    await Promise.all(
      instances.map((i) => scrapeCounter(i, 'baken_mqtt_rejected_total', 'reason="store_error"')),
    )
  ).reduce((a, b) => a + b, 0);

async function idle(probe: AlarmProbe, presses: number): Promise<AlarmSample[]> {
  await pressMany(probe, 10, 5);
  const r = await pressMany(probe, presses, 5);
  if (r.lost > 0) throw new Error(`${r.lost} probe alarms were not answered`);
  return r.samples;
}

export async function run(ctx: BenchContext): Promise<void> {
  const missing = clusterMissing();
  if (missing) {
    ctx.log(`skipped: the clustered bench needs ${missing}`);
    return;
  }
  const seconds = ctx.quick ? 5 : 15;
  const warmupS = ctx.quick ? 4 : 5;
  const presses = ctx.quick ? 40 : 300;
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  const load = (shape: Shape, homes: HomeCred[], port: number) => ({
    host: HOST,
    port,
    homes: homes.slice(0, SHAPES[shape].homes),
    inFlight: SHAPES[shape].inFlight,
    seconds,
    warmupS,
    procs,
  });
  const shapes = Object.keys(SHAPES) as Shape[];
  const homes = Math.max(...shapes.map((s) => SHAPES[s].homes));

  ctx.log('baseline: the embedded SQLite server (aedes in the process), idle latency and both loads');
  const embedded = await Region.start({ homes });
  const sqlite = {} as Record<Shape, Phase>;
  let idleSqlite: AlarmSample[];
  try {
    idleSqlite = await idle(embedded.probe, presses);
    for (const shape of shapes) {
      const e0 = await storeErrors([embedded.server]);
      const f = await floodAndSettle({
        ...load(shape, embedded.homes, embedded.mqttPort),
        meters: [{ name: 'instance-1', ticks: () => cpuTicks(embedded.server.pid) }],
        instances: [embedded.server],
      });
      const failedTurnEvents = (await storeErrors([embedded.server])) - e0;
      sqlite[shape] = { f, deadlocks: 0, failedTurnEvents, stored: null };
    }
  } finally {
    await embedded.close();
  }

  ctx.log('the clustered deployment: PostgreSQL, one RabbitMQ node, then 1 and 2 instances');
  const c = await ClusterRegion.start({ homes });
  try {
    const probe = await c.openProbe(await c.addInstance());
    const beam = c.beamPid;
    const shared: Meter[] = [
      { name: 'postgres', ticks: () => processTreeTicks(c.pg.pid) },
      { name: 'rabbitmq', ticks: () => processTreeTicks(beam) },
    ];
    const phases = async () => {
      const out = {} as Record<Shape, Phase>;
      for (const shape of shapes) {
        const [d0, e0] = [await c.deadlocks(), await storeErrors(c.instances)];
        const f = await floodAndSettle({
          ...load(shape, c.homes, c.mqttPort),
          meters: [
            ...c.instances.map((i, n) => ({ name: `instance-${n + 1}`, ticks: () => cpuTicks(i.pid) })),
            ...shared,
          ],
          instances: c.instances,
        });
        out[shape] = {
          f,
          deadlocks: (await c.deadlocks()) - d0,
          failedTurnEvents: (await storeErrors(c.instances)) - e0,
          stored: await c.storedEvents(f.tallies),
        };
      }
      return out;
    };
    const idle1 = await idle(probe, presses);
    const one = await phases();
    await c.addInstance();
    const idle2 = await idle(probe, presses);
    const two = await phases();
    const alarms = [await c.alarmsFor(idle1.map((s) => s.id)), await c.alarmsFor(idle2.map((s) => s.id))];

    const ack = (s: AlarmSample[]) => s.map((x) => x.ackMs);
    const cause =
      'two broker hops each way (MQTT → quorum queue → AMQP, AMQP → MQTT) and the turn’s round trips to PostgreSQL';
    const goals = { 50: { op: '<=' as const, target: 5, text: 'p50 < 5 ms' } };
    latencyFigures(ctx, 'cluster, 1 instance, idle', 'alarm publish → app ack', ack(idle1), {
      baselineName: 'embedded SQLite server, same run',
      baseline: ack(idleSqlite),
      goals,
      cause,
    });
    latencyFigures(ctx, 'cluster, 2 instances, idle', 'alarm publish → app ack', ack(idle2), {
      baselineName: '1 instance, same run',
      baseline: ack(idle1),
      goals,
      cause,
    });
    for (const shape of shapes)
      report(ctx, shape, sqlite[shape], one[shape], two[shape], [
        { pressed: idle1.length, raised: alarms[0]! },
        { pressed: idle2.length, raised: alarms[1]! },
      ]);
  } finally {
    await c.close();
  }
}

const sumInstances = (f: FloodResult, what: 'usPerEvent' | 'netUsPerEvent' | 'cpuPct' | 'idlePct') =>
  Object.entries(f[what])
    .filter(([k]) => k.startsWith('instance-'))
    .reduce((a, [, v]) => a + v, 0);

const cpuNote = (f: FloodResult) =>
  `CPU, % of a core (idle before): ${Object.entries(f.cpuPct)
    .map(([k, v]) => `${k} ${v.toFixed(0)} (${f.idlePct[k]?.toFixed(1)})`)
    .join(', ')}; load ${f.load1}`;

/**
 * The per-event figure's note: its idle CPU before the flood and the figure without it. Only a
 * hint: the idle CPU is not steady (a sweep every few seconds), and at a few hundred events/s it
 * can exceed what was measured under load, which makes the net figure 0.
 */
const netNote = (f: FloodResult, part: string) =>
  `idle before ${f.idlePct[part]?.toFixed(1)} % of a core, net of it ${f.netUsPerEvent[part]?.toFixed(0)} µs`;
const instNet = (f: FloodResult) =>
  `idle before ${sumInstances(f, 'idlePct').toFixed(1)} % of a core, net of it ${sumInstances(f, 'netUsPerEvent').toFixed(0)} µs`;

function report(
  ctx: BenchContext,
  shape: Shape,
  sqlite: Phase,
  one: Phase,
  two: Phase,
  /** The idle alarms pressed before each pair of loads, and the alarms raised for them. */
  probes: Array<{ pressed: number; raised: number }>,
): void {
  const group = `cluster ${shape}`;
  const { homes, inFlight } = SHAPES[shape];
  const what = `${homes} homes × ${inFlight} in flight`;
  ctx.report.add({
    group,
    name: `1 instance: events stored + app-acked, ${what}`,
    value: one.f.rate,
    unit: '/s',
    baseline: { name: 'embedded SQLite server, same run', value: sqlite.f.rate },
    note: `${cpuNote(one.f)}; SQLite ${cpuNote(sqlite.f)}`,
  });
  ctx.report.add({
    group,
    name: `2 instances: events stored + app-acked, ${what}`,
    value: two.f.rate,
    unit: '/s',
    baseline: { name: '1 instance, same run', value: one.f.rate },
    note: `${cpuNote(two.f)}; events taken per instance ${two.f.perInstance.join(' / ')}; every part shares 2 cores`,
  });
  ctx.report.add({
    group,
    name: '1 instance: instance CPU per event',
    value: sumInstances(one.f, 'usPerEvent'),
    unit: 'µs',
    baseline: { name: 'embedded SQLite server, same run', value: sumInstances(sqlite.f, 'usPerEvent') },
    note: `${instNet(one.f)}; SQLite server ${instNet(sqlite.f)}`,
  });
  ctx.report.add({
    group,
    name: '2 instances: instances’ CPU per event (both together)',
    value: sumInstances(two.f, 'usPerEvent'),
    unit: 'µs',
    baseline: { name: '1 instance, same run', value: sumInstances(one.f, 'usPerEvent') },
    note: `instance-1 ${two.f.usPerEvent['instance-1']?.toFixed(0)} µs + instance-2 ${two.f.usPerEvent['instance-2']?.toFixed(0)} µs, each over all events; ${instNet(two.f)}`,
  });
  for (const part of ['postgres', 'rabbitmq'] as const) {
    const label = part === 'postgres' ? 'PostgreSQL (postmaster and backends)' : 'RabbitMQ (its Erlang VM)';
    ctx.report.add({
      group,
      name: `1 instance: ${label} CPU per event`,
      value: one.f.usPerEvent[part]!,
      unit: 'µs',
      baseline: { name: 'instance CPU per event, same run', value: sumInstances(one.f, 'usPerEvent') },
      note: netNote(one.f, part),
    });
    ctx.report.add({
      group,
      name: `2 instances: ${label} CPU per event`,
      value: two.f.usPerEvent[part]!,
      unit: 'µs',
      baseline: { name: '1 instance, same run', value: one.f.usPerEvent[part]! },
      note: netNote(two.f, part),
    });
  }
  for (const [n, p] of [
    [1, one],
    [2, two],
  ] as const) {
    const { f } = p;
    const stored = p.stored ?? f.acked;
    // Every acked event stored, none acked twice, and every event left unacked is one of a failed
    // turn; the probe's alarms (checked with the first load) each raised once.
    const probe = probes[n - 1]!;
    const count =
      Math.abs(stored - f.acked) +
      f.extraAcks +
      Math.abs(f.pending - p.failedTurnEvents) +
      (shape === 'burst' ? Math.abs(probe.pressed - probe.raised) : 0);
    ctx.report.add({
      group,
      name: `${n} instance${n > 1 ? 's' : ''}: events acked but not stored, acked twice, or lost unaccounted`,
      value: count,
      unit: '',
      goal: { op: '<=', target: 0, text: 'none' },
      cause: 'see the note',
      note: `sent ${f.sent}, stored ${stored}, acked ${f.acked}, acked twice ${f.extraAcks}, unacked ${f.pending} of which in failed turns ${p.failedTurnEvents} (PostgreSQL deadlocks: ${p.deadlocks}; a gateway sends those again)${shape === 'burst' ? `; idle probe alarms ${probe.pressed}, raised ${probe.raised}` : ''}`,
    });
  }
}
