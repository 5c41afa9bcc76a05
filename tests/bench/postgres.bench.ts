// One server instance on PostgreSQL (the clustered deployment's database) beside the embedded
// SQLite one, same generator, same run: what one instance holds and what the database costs per
// event (docs/scaling.md §6). PostgreSQL is a throwaway cluster started here (Debian's postgresql).
import { startPostgres } from '@baken/server/testing/postgres';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures, pressMany } from './support/latency.js';
import { cpuTicks, treeCpuTicks } from './support/proc-sample.js';
import { HOST, Region } from './support/region.js';

const HOMES = 100;
const IN_FLIGHT = 100;
const USER_HZ = 100;

interface Flood {
  rate: number;
  /** CPU of the server process, % of a core. */
  server: number;
  /** CPU of the database's processes (PostgreSQL's postmaster and backends), % of a core. */
  db: number;
}

/** Events/s and the CPU of the server and (on PostgreSQL) the database over the window after a warm-up. */
async function flood(
  gen: Generator,
  serverPid: number,
  dbPid: number | null,
  seconds: number,
  warmupS: number,
) {
  let t0 = 0;
  let s0 = 0;
  let d0 = 0;
  const mark = () => {
    t0 = performance.now();
    s0 = cpuTicks(serverPid);
    d0 = dbPid === null ? 0 : treeCpuTicks(dbPid);
  };
  const timer = setTimeout(mark, warmupS * 1000);
  const rate = await gen.flood(seconds, IN_FLIGHT, warmupS);
  clearTimeout(timer);
  const s = (performance.now() - t0) / 1000;
  const pct = (ticks: number) => (100 * ticks) / USER_HZ / s;
  return {
    rate,
    server: pct(cpuTicks(serverPid) - s0),
    db: dbPid === null ? 0 : pct(treeCpuTicks(dbPid) - d0),
  } satisfies Flood;
}

const usPerEvent = (cpuPct: number, rate: number) => (cpuPct * 1e4) / Math.max(rate, 1);

export async function run(ctx: BenchContext): Promise<void> {
  const seconds = ctx.quick ? 5 : 15;
  const warmupS = ctx.quick ? 4 : 5;
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  const pg = await startPostgres();
  try {
    const url = await pg.createDatabase({ name: 'baken_bench', icuLocale: 'nl-NL' });
    const onPg = await Region.start({ homes: HOMES, databaseUrl: url });
    const onSqlite = await Region.start({ homes: HOMES });
    try {
      ctx.log('alarm latency at idle on PostgreSQL and on SQLite');
      const presses = ctx.quick ? 40 : 300;
      await pressMany(onPg.probe, 10, 5);
      await pressMany(onSqlite.probe, 10, 5);
      const idlePg = await pressMany(onPg.probe, presses, 5);
      const idleSqlite = await pressMany(onSqlite.probe, presses, 5);
      latencyFigures(
        ctx,
        'one instance on PostgreSQL, idle',
        'publish → app ack',
        idlePg.samples.map((s) => s.ackMs),
        {
          baselineName: 'SQLite server, same run',
          baseline: idleSqlite.samples.map((s) => s.ackMs),
          goals: { 50: { op: '<=', target: 5, text: 'p50 < 5 ms' } },
          cause: 'every turn waits for its round trips to PostgreSQL',
        },
      );

      ctx.log(`ingest: ${HOMES} homes × ${IN_FLIGHT} in flight, ${seconds} s, on PostgreSQL then on SQLite`);
      const results: Flood[] = [];
      for (const r of [onPg, onSqlite]) {
        const gen = await Generator.start(procs);
        try {
          await gen.init({ host: HOST, port: r.mqttPort, homes: r.homes, acks: 'app' });
          const c = await gen.connect(20);
          if (c.failed > 0) throw new Error(`${c.failed} homes could not connect`);
          results.push(await flood(gen, r.server.pid, r === onPg ? pg.pid : null, seconds, warmupS));
        } finally {
          await gen.close();
        }
      }
      const [p, s] = results as [Flood, Flood];
      ctx.report.add({
        group: 'postgres',
        name: `one instance on PostgreSQL: events stored + app-acked, ${HOMES} homes × ${IN_FLIGHT} in flight`,
        value: p.rate,
        unit: '/s',
        baseline: { name: 'SQLite server, same run', value: s.rate },
        note: `server ${p.server.toFixed(0)} % CPU, PostgreSQL ${p.db.toFixed(0)} % CPU; SQLite server ${s.server.toFixed(0)} % CPU`,
      });
      ctx.report.add({
        group: 'postgres',
        name: 'one instance on PostgreSQL: server CPU per event',
        value: usPerEvent(p.server, p.rate),
        unit: 'µs',
        baseline: { name: 'SQLite server CPU per event, same run', value: usPerEvent(s.server, s.rate) },
      });
      ctx.report.add({
        group: 'postgres',
        name: 'PostgreSQL CPU per event (postmaster and backends)',
        value: usPerEvent(p.db, p.rate),
        unit: 'µs',
        baseline: {
          name: 'server CPU per event on PostgreSQL, same run',
          value: usPerEvent(p.server, p.rate),
        },
        note: 'the database is the part every instance shares: it bounds what more instances can add',
      });
    } finally {
      await onPg.close();
      await onSqlite.close();
    }
  } finally {
    await pg.stop();
  }
}
