import { LatencyHistogram, type LatencySnapshot, type LatencySummary } from './latency.js';

/** Event counters of a fleet (one process or the sum over processes). */
export interface FleetCounters {
  /** Successful MQTT sessions (first connects and reconnects). */
  connects: number;
  connectFailures: number;
  disconnects: number;
  heartbeats: number;
  /** Heartbeats the broker confirmed (PUBACK) / that failed (connection lost first). */
  heartbeatsConfirmed: number;
  heartbeatFailures: number;
  /** Pendant presses raised (including ones raised while the home was offline). */
  alarmsRaised: number;
  /** Alarms published for the first time. */
  alarmsSent: number;
  /** Alarms the server acknowledged at application level [MQTT-MAP §4.2]. */
  alarmsAcked: number;
  /** Non-alarm events (key safe, low battery) published for the first time / acknowledged. */
  eventsSent: number;
  eventsAcked: number;
  /** Events published again (reconnect, ack timeout), as the gateway's outbox does. */
  resends: number;
  /** Acks for an alarm already acknowledged (the server acknowledged a resend again). */
  duplicateAcks: number;
  /** Acks naming an id this process never sent or no longer holds. */
  unknownAcks: number;
  keySafeOpenings: number;
  lowBattery: number;
  silenced: number;
  diedWithWill: number;
  flaps: number;
}

export const zeroCounters = (): FleetCounters => ({
  connects: 0,
  connectFailures: 0,
  disconnects: 0,
  heartbeats: 0,
  heartbeatsConfirmed: 0,
  heartbeatFailures: 0,
  alarmsRaised: 0,
  alarmsSent: 0,
  alarmsAcked: 0,
  eventsSent: 0,
  eventsAcked: 0,
  resends: 0,
  duplicateAcks: 0,
  unknownAcks: 0,
  keySafeOpenings: 0,
  lowBattery: 0,
  silenced: 0,
  diedWithWill: 0,
  flaps: 0,
});

/** A point-in-time view of a fleet; `FleetSnapshot` is its serialisable form between processes. */
export interface FleetStats extends FleetCounters {
  homes: number;
  /** Homes whose session is up now: connected, subscribed and `online` published. */
  connected: number;
  /** Homes that have connected at least once. */
  everConnected: number;
  /** Alarms / other events waiting for their application ack. */
  pendingAlarms: number;
  pendingEvents: number;
  /** Alarm press → application ack, over every acknowledged alarm. */
  alarmLatencyMs: LatencySummary;
  /** Sum of the simulator processes' resident memory. */
  rssBytes: number;
  /** The same before any home was created: `rssBytes − baseRssBytes` is what the homes cost. */
  baseRssBytes: number;
  /** Failed connection attempts by reason (`connack timeout`, `ECONNREFUSED: …`, a refusal). */
  connectFailureReasons: Record<string, number>;
  /** CPU time (user + system) of the simulator processes since they started. */
  cpuMs: number;
  processes: number;
  elapsedMs: number;
}

export interface FleetSnapshot extends Omit<FleetStats, 'alarmLatencyMs'> {
  latency: LatencySnapshot;
}

/** Adds up the snapshots of several simulator processes. */
export function mergeSnapshots(parts: readonly FleetSnapshot[], elapsedMs: number): FleetStats {
  const h = new LatencyHistogram();
  const total: FleetStats = {
    ...zeroCounters(),
    homes: 0,
    connected: 0,
    everConnected: 0,
    pendingAlarms: 0,
    pendingEvents: 0,
    alarmLatencyMs: h.summary(),
    rssBytes: 0,
    baseRssBytes: 0,
    connectFailureReasons: {},
    cpuMs: 0,
    processes: 0,
    elapsedMs,
  };
  for (const p of parts) {
    for (const k of Object.keys(zeroCounters()) as (keyof FleetCounters)[]) total[k] += p[k];
    total.homes += p.homes;
    total.connected += p.connected;
    total.everConnected += p.everConnected;
    total.pendingAlarms += p.pendingAlarms;
    total.pendingEvents += p.pendingEvents;
    total.rssBytes += p.rssBytes;
    total.baseRssBytes += p.baseRssBytes;
    total.processes += p.processes;
    total.cpuMs += p.cpuMs;
    for (const [r, n] of Object.entries(p.connectFailureReasons))
      total.connectFailureReasons[r] = (total.connectFailureReasons[r] ?? 0) + n;
    h.add(p.latency);
  }
  total.alarmLatencyMs = h.summary();
  return total;
}
