import type { FleetSummary } from './fleet-api.js';
import type { FleetStats } from './stats.js';

const ms = (x: number | null): string =>
  x === null ? '-' : x < 10 ? `${x.toFixed(1)}ms` : `${Math.round(x)}ms`;
const mb = (bytes: number): string => `${Math.round(bytes / 1048576)}MB`;

/** The one updating terminal line; `prev` (the stats a moment ago) gives the rates. */
export function progressLine(s: FleetStats, prev: FleetStats | undefined): string {
  const dt = prev === undefined ? 0 : (s.elapsedMs - prev.elapsedMs) / 1000;
  const rate = (k: 'heartbeats' | 'connects' | 'connectFailures' | 'cpuMs') =>
    dt > 0 && prev ? Math.round((s[k] - prev[k]) / dt) : 0;
  const l = s.alarmLatencyMs;
  return [
    `${Math.round(s.elapsedMs / 1000)}s`,
    `homes ${s.connected}/${s.homes} up`,
    `connects ${rate('connects')}/s (${rate('connectFailures')}/s failed)`,
    `hb ${rate('heartbeats')}/s`,
    `alarms ${s.alarmsAcked}/${s.alarmsRaised} acked, ${s.pendingAlarms} waiting`,
    `p50 ${ms(l.p50)} p99 ${ms(l.p99)} max ${ms(l.max)}`,
    `rss ${mb(s.rssBytes)}`,
    `cpu ${Math.round(rate('cpuMs') / 10)} %`,
  ].join(' · ');
}

/** The summary printed when the fleet stops. */
export function summaryLines(s: FleetSummary): string[] {
  const l = s.alarmLatencyMs;
  const perK = s.homes > 0 ? mb(((s.rssBytes - s.baseRssBytes) / s.homes) * 1000) : '-';
  return [
    `fleet summary after ${(s.elapsedMs / 1000).toFixed(0)} s (${s.processes} process${s.processes === 1 ? '' : 'es'})`,
    `  homes       ${s.homes}, connected at the end ${s.connected}, ever connected ${s.everConnected}`,
    `  sessions    ${s.connects} connects, ${s.connectFailures} failed attempts, ${s.disconnects} disconnects, ${s.flaps} flaps`,
    ...(s.connectFailures === 0
      ? []
      : [
          `  failures    ${Object.entries(s.connectFailureReasons)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([r, n]) => `${n} × ${r}`)
            .join('; ')}`,
        ]),
    `  heartbeats  ${s.heartbeats} sent, ${s.heartbeatFailures} not confirmed`,
    `  alarms      ${s.alarmsRaised} raised, ${s.alarmsSent} sent, ${s.alarmsAcked} acked, ${s.lostAlarms} lost, ${s.resends} resends, ${s.duplicateAcks} duplicate acks`,
    `  latency     press → app ack p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)} over ${l.count}`,
    `  other       ${s.eventsAcked}/${s.eventsSent} events acked (${s.keySafeOpenings} key-safe openings, ${s.lowBattery} low batteries), ${s.lostEvents} lost`,
    `  faults      ${s.silenced} silenced, ${s.diedWithWill} died with their last will`,
    `  cpu         ${(s.cpuMs / 1000).toFixed(1)} s over all simulator processes (${Math.round(s.cpuMs / s.elapsedMs / 0.01)} % of one core on average)`,
    `  memory      ${mb(s.rssBytes)} resident over all simulator processes, ${perK} per 1,000 homes above their ${mb(s.baseRssBytes)} at start`,
  ];
}
