// A region comes back after `kill -9` of the server: connect rate, time until every home is back,
// and alarm latency during the reconnect storm. The homes reconnect with the gateway's own back-off
// (gateway/src/uplink/backoff.ts). The goal is 18,000 homes back within 60 s; with fewer homes
// (--quick, BENCH_STORM_HOMES) it is projected from the measured connect rate.
import { startBareAedes } from './support/aedes-proc.js';
import type { BenchContext } from './support/figures.js';
import { Generator } from './support/generator.js';
import { latencyFigures } from './support/latency.js';
import type { AlarmSample } from './support/probe.js';
import { HOST, Region } from './support/region.js';

const GOAL_HOMES = 18_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilAll(gen: Generator, n: number, timeoutMs: number): Promise<boolean> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if ((await gen.connected()) >= n) return true;
    await sleep(100);
  }
  return false;
}

export async function run(ctx: BenchContext): Promise<void> {
  const homes = Number(process.env['BENCH_STORM_HOMES'] ?? (ctx.quick ? 100 : 2_000));
  const procs = Number(process.env['BENCH_GENERATORS'] ?? 2);
  const region = await Region.start({ homes });
  const gen = await Generator.start(procs);
  try {
    ctx.log(`connecting ${homes} homes (reconnecting with the gateway's back-off)`);
    await gen.init({ host: HOST, port: region.mqttPort, homes: region.homes, acks: 'app', will: true });
    await gen.connect(64, true);
    if (!(await untilAll(gen, homes, 300_000))) throw new Error('the fleet never connected');

    ctx.log('kill -9 of the server, then a restart on the same data');
    const tKill = performance.now();
    await region.kill();
    const failedStarts = await region.restart();
    const tReady = performance.now();
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
    const back = await untilAll(gen, homes, 600_000);
    const tBack = performance.now();
    storming = false;
    await probing;
    const stormS = (tBack - tReady) / 1000;
    const rate = homes / stormS;

    ctx.log('baseline: the same homes connecting to a bare aedes broker');
    const aedes = await startBareAedes();
    const bareGen = await Generator.start(procs);
    let bareRate = Number.NaN;
    try {
      await bareGen.init({ host: HOST, port: aedes.port, homes: region.homes, acks: 'puback' });
      const t0 = performance.now();
      await bareGen.connect(64);
      bareRate = homes / ((performance.now() - t0) / 1000);
    } finally {
      await bareGen.close();
      await aedes.stop();
    }
    const G = `restart after kill -9 (${homes} homes)`;
    ctx.report.add({
      group: G,
      name: 'connect rate in the reconnect storm',
      value: rate,
      unit: 'homes/s',
      baseline: { name: 'bare aedes connects/s', value: bareRate },
      note: back ? undefined : 'not every home came back within 10 minutes',
    });
    ctx.report.add({
      group: G,
      name: 'server starts that failed under the storm',
      value: failedStarts,
      unit: '',
      goal: { op: '<=', target: 0, text: 'none' },
      cause: 'CONNECT hashing fills libuv’s thread pool, so a plugin’s file reads time out at start',
    });
    ctx.report.add({
      group: G,
      name: 'every home back, from the restart',
      value: stormS,
      unit: 's',
      note: `server up ${((tReady - tKill) / 1000).toFixed(1)} s after the kill${failedStarts > 0 ? `; ${failedStarts} start(s) failed under the storm and were retried` : ''}`,
    });
    ctx.report.add({
      group: G,
      name: `${GOAL_HOMES.toLocaleString('en-GB')} homes back, from the restart${homes < GOAL_HOMES ? ' (projected from the rate)' : ''}`,
      value: homes >= GOAL_HOMES ? stormS : GOAL_HOMES / rate,
      unit: 's',
      goal: { op: '<=', target: 60, text: '≤ 60 s' },
      cause: 'every CONNECT verifies a slow KDF hash; each SUBSCRIBE scans the retained messages',
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
    await gen.close();
    await region.close();
  }
}
