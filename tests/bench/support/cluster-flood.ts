import { loadavg } from 'node:os';
import type { HomeCred, Tally } from './gen-proc.js';
import { Generator } from './generator.js';
import { type ServerProc, scrapeCounter } from './server-proc.js';

const USER_HZ = 100;
/** Seconds of idle CPU measured before each flood. */
const IDLE_S = 3;

/** A process (tree) whose CPU a flood measures. */
export interface Meter {
  name: string;
  /** CPU clock ticks used so far. */
  ticks: () => number;
}

export interface FloodResult {
  /** Events stored and app-acked per second in the measured window (the generator's count). */
  rate: number;
  /** CPU per event of each meter (µs): its CPU from the window's start until every event is acked, over the events acked meanwhile. */
  usPerEvent: Record<string, number>;
  /** CPU of each meter over the window, % of one core. */
  cpuPct: Record<string, number>;
  /** CPU of each meter with the homes connected and silent just before the flood (once the previous load's work is done), % of one core. */
  idlePct: Record<string, number>;
  /** `usPerEvent` less the idle CPU over the same time: what an event adds (at a few hundred events/s a part's idle CPU is a large share of its CPU per event). */
  netUsPerEvent: Record<string, number>;
  /** Events each instance took from the broker during the window (`baken_mqtt_messages_in_total`). */
  perInstance: number[];
  /** Every event since the generator connected: sent, acked, acked twice, never acked. */
  sent: number;
  acked: number;
  extraAcks: number;
  pending: number;
  tallies: Tally[];
  /** 1-minute load average at the end. */
  load1: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sumTally = (ts: readonly Tally[]) => ({
  sent: ts.reduce((a, t) => a + t.sent, 0),
  acked: ts.reduce((a, t) => a + t.acked, 0),
  extraAcks: ts.reduce((a, t) => a + t.extraAcks, 0),
  pending: ts.reduce((a, t) => a + t.pending, 0),
});

const eventsIn = (instances: readonly ServerProc[]) =>
  Promise.all(instances.map((i) => scrapeCounter(i, 'baken_mqtt_messages_in_total', 'kind="events"')));

/**
 * Waits until every meter is quiet (under 10 % of a core over half a second, at most 30 s): the
 * previous load's leftovers (PostgreSQL's autovacuum after tens of thousands of inserts, a turn
 * still committing) are not counted as this load's idle CPU or as its events' cost.
 */
async function quiet(meters: readonly Meter[]): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const c0 = meters.map((m) => m.ticks());
    await sleep(500);
    const busy = meters.some((m, i) => m.ticks() - c0[i]! > 0.1 * 0.5 * USER_HZ);
    if (!busy || performance.now() - t0 > 30_000) return;
  }
}

/**
 * Every home keeps `inFlight` events unacknowledged for `warmupS + seconds`. The CPU of each meter
 * is read when the warm-up ends and again once every event sent has its app ack (the backlog left
 * at the window's end is worked off and counted): CPU per event is that CPU over the events acked
 * between the two readings, which stays true when the process gets only a share of a core. Before
 * the flood, with the homes connected and the parts quiet, each meter's idle CPU is read for
 * {@link IDLE_S} s; the net figure takes that background off.
 */
export async function floodAndSettle(o: {
  port: number;
  host: string;
  homes: HomeCred[];
  inFlight: number;
  seconds: number;
  warmupS: number;
  procs: number;
  meters: readonly Meter[];
  instances: readonly ServerProc[];
}): Promise<FloodResult> {
  const gen = await Generator.start(o.procs);
  try {
    await gen.init({ host: o.host, port: o.port, homes: o.homes, acks: 'app' });
    const c = await gen.connect(20);
    if (c.failed > 0) throw new Error(`${c.failed} homes could not connect`);
    await quiet(o.meters);
    const i0 = { t: performance.now(), ticks: o.meters.map((m) => m.ticks()) };
    await sleep(IDLE_S * 1000);
    const idleS = (performance.now() - i0.t) / 1000;
    const idlePct: Record<string, number> = {};
    o.meters.forEach((m, i) => {
      idlePct[m.name] = (100 * (m.ticks() - i0.ticks[i]!)) / USER_HZ / idleS;
    });
    let mark: Promise<{ t: number; ticks: number[]; acked: number; inst: number[] }> | undefined;
    const timer = setTimeout(() => {
      const t = performance.now();
      const ticks = o.meters.map((m) => m.ticks());
      mark = Promise.all([gen.tally(), eventsIn(o.instances)]).then(([ts, inst]) => ({
        t,
        ticks,
        acked: sumTally(ts).acked,
        inst,
      }));
    }, o.warmupS * 1000);
    const rate = await gen.flood(o.seconds, o.inFlight, o.warmupS);
    clearTimeout(timer);
    if (!mark) throw new Error('the flood ended before its warm-up');
    const m0 = await mark;
    // Until every event is acked, or none more is for 3 s: a turn that failed acks nothing (the
    // gateway would send those events again; the lean home does not), and its events stay pending.
    let tallies = await gen.tally();
    for (let still = 0, i = 0; i < 150 && sumTally(tallies).pending > 0 && still < 15; i++) {
      await sleep(200);
      const next = await gen.tally();
      still = sumTally(next).acked === sumTally(tallies).acked ? still + 1 : 0;
      tallies = next;
    }
    await sleep(300); // the turn's last writes after its ack (live stream, counters)
    const ticks = o.meters.map((m) => m.ticks());
    const s = (performance.now() - m0.t) / 1000;
    const inst = await eventsIn(o.instances);
    tallies = await gen.tally();
    const total = sumTally(tallies);
    const events = Math.max(1, total.acked - m0.acked);
    const usPerEvent: Record<string, number> = {};
    const netUsPerEvent: Record<string, number> = {};
    const cpuPct: Record<string, number> = {};
    o.meters.forEach((m, i) => {
      const cpuS = (ticks[i]! - m0.ticks[i]!) / USER_HZ;
      usPerEvent[m.name] = (cpuS * 1e6) / events;
      netUsPerEvent[m.name] = (Math.max(0, cpuS - (idlePct[m.name]! / 100) * s) * 1e6) / events;
      cpuPct[m.name] = (100 * cpuS) / s;
    });
    return {
      rate,
      usPerEvent,
      netUsPerEvent,
      cpuPct,
      idlePct,
      perInstance: inst.map((v, i) => v - m0.inst[i]!),
      ...total,
      tallies,
      load1: Math.round(loadavg()[0]! * 10) / 10,
    };
  } finally {
    await gen.close();
  }
}
