// How soon the monitoring staff see a home go down: a silent home (connection up, no heartbeats)
// against its threshold of 2.5 heartbeat intervals plus one sweep period, and a last-will offline
// (the link dropped without DISCONNECT) against "at once". Both timed to `incident.opened` on the
// dashboard's live stream; the incident's recorded start is checked against the truth too.
import { DEFAULT_HEALTH_POLICY } from '@baken/server/modules/health/health-policy';
import type { BenchContext } from './support/figures.js';
import { LeanHome } from './support/lean-home.js';
import { heartbeatTemplate } from './support/payloads.js';
import { epochMs } from './support/probe.js';
import { HOST, Region } from './support/region.js';

const INTERVAL_S = 5;

interface Opened {
  at: number;
  startedAt: number;
  cause: string;
}

export async function run(ctx: BenchContext): Promise<void> {
  const region = await Region.start({ homes: 0, spare: 3 });
  const opened = new Map<string, Opened>();
  region.probe.onEvent = (e) => {
    if (e.event !== 'incident.opened') return;
    const body = JSON.parse(e.data) as Opened & { gatewayId: string };
    opened.set(body.gatewayId, { at: epochMs(), startedAt: body.startedAt, cause: body.cause });
  };
  const homes = region.spare.slice(0, 2).map(
    (c) =>
      new LeanHome({
        host: HOST,
        port: region.mqttPort,
        gatewayId: c.id,
        password: c.password,
        will: true,
      }),
  );
  try {
    for (const h of homes) await h.connect(true);
    const [silent, dropped] = homes as [LeanHome, LeanHome];
    const beat = (h: LeanHome) => {
      const at = Date.now();
      h.publishHeartbeat(heartbeatTemplate(h.o.gatewayId, INTERVAL_S)(at));
      return at;
    };
    let last = 0;
    for (let i = 0; i < 3; i++) {
      last = beat(silent);
      beat(dropped);
      await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
    }
    const droppedAt = epochMs();
    dropped.drop();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(opened.has(silent.o.gatewayId) && opened.has(dropped.o.gatewayId)))
      await new Promise((r) => setTimeout(r, 100));
    const G = 'detection';
    const sweepS = DEFAULT_HEALTH_POLICY.sweepIntervalMs / 1000;
    const threshold = DEFAULT_HEALTH_POLICY.offlineAfterIntervals * INTERVAL_S;
    const s = opened.get(silent.o.gatewayId);
    ctx.report.add({
      group: G,
      name: `silent home (heartbeat every ${INTERVAL_S} s) → incident on the live stream`,
      value: s ? (s.at - last) / 1000 : Number.NaN,
      unit: 's',
      baseline: { name: `threshold ${threshold} s`, value: threshold },
      goal: { op: '<=', target: threshold + sweepS, text: `≤ ${threshold} s + one ${sweepS} s sweep` },
      cause: s ? 'the sweep ran late' : 'no incident within 60 s',
    });
    if (s)
      ctx.report.add({
        group: G,
        name: 'silent home: recorded start − when the next heartbeat was due',
        value: (s.startedAt - (last + INTERVAL_S * 1000)) / 1000,
        unit: 's',
        goal: { op: '<=', target: 1, text: '≤ 1 s (the health module counts from then)' },
        note: `cause recorded: ${s.cause}`,
      });
    const d = opened.get(dropped.o.gatewayId);
    ctx.report.add({
      group: G,
      name: 'last-will offline → incident on the live stream',
      value: d ? (d.at - droppedAt) / 1000 : Number.NaN,
      unit: 's',
      goal: { op: '<=', target: 1, text: '≤ 1 s (at once)' },
      cause: d ? 'the will or the incident waited' : 'no incident within 60 s',
    });
    if (d)
      ctx.report.add({
        group: G,
        name: 'last-will offline: recorded start − the drop',
        value: (d.startedAt - droppedAt) / 1000,
        unit: 's',
        goal: { op: '<=', target: 1, text: '≤ 1 s (downtime from the disconnect)' },
        note: `cause recorded: ${d.cause}`,
      });
  } finally {
    for (const h of homes) h.drop();
    await region.close();
  }
}
