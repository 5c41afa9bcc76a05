import type { Clock } from '@baken/hardware';
import type { HomeIdentity } from './sim-home.js';

/** What a fleet does; every rate is per home unless it says otherwise. */
export interface FleetBehaviour {
  /**
   * Heartbeat interval the homes run at and announce (`intervalS`) [MQTT-MAP §4.3]. Load on the
   * server scales with homes ÷ interval: 18,000 homes at 12 s send what 90,000 homes send at 60 s
   * (but hold only 18,000 connections). Default 60.
   */
  heartbeatIntervalS: number;
  /** Each wait is the interval × (1 ± jitter), uniformly. Default 0.1. */
  heartbeatJitter: number;
  /** Pendant presses as a Poisson process. Default 0. */
  alarmsPerHomePerHour: number;
  /** Key-safe openings (door_opened, door_closed 20 s later) as a Poisson process. Default 0. */
  keySafeOpeningsPerHomePerDay: number;
  /** Pendant battery drain in percentage points per hour; low_battery below 20 %. Default 0. */
  batteryDrainPerHour: number;
  /** Share of homes whose clock is off by up to ± `skewMaxMs`. Default 0. */
  skewShare: number;
  skewMaxMs: number;
  /** Share of homes whose link drops about every `flapEveryS` (± 50 %). Default 0. */
  flapShare: number;
  flapEveryS: number;
}

export interface FleetOptions extends Partial<FleetBehaviour> {
  /** The broker, e.g. `mqtt://127.0.0.1:1883` (the server's `mqttUrl`). */
  mqttUrl: string;
  /** One gateway identity per home (from the bulk enrolment file or the API). */
  homes: readonly HomeIdentity[];
  /** Index of the first home, for device ids across processes. Default 0. */
  firstIndex?: number;
  /** New connections per second while the fleet starts (the reconnect storm is not limited). Default 500. */
  connectRate?: number;
  /** The gateway's uplink settings [gateway config `mqtt.*`]. */
  keepaliveS?: number;
  connectTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** An event with no application ack for this long is published again (gateway outbox). Default 10 s. */
  ackTimeoutMs?: number;
  /** Software version the homes report. */
  software?: string;
  clock?: Clock;
  /** Randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export type ResolvedFleetOptions = FleetBehaviour &
  Required<
    Pick<
      FleetOptions,
      | 'mqttUrl'
      | 'firstIndex'
      | 'connectRate'
      | 'keepaliveS'
      | 'connectTimeoutMs'
      | 'backoffInitialMs'
      | 'backoffMaxMs'
      | 'ackTimeoutMs'
      | 'software'
    >
  >;

export const DEFAULT_BEHAVIOUR: FleetBehaviour = {
  heartbeatIntervalS: 60,
  heartbeatJitter: 0.1,
  alarmsPerHomePerHour: 0,
  keySafeOpeningsPerHomePerDay: 0,
  batteryDrainPerHour: 0,
  skewShare: 0,
  skewMaxMs: 120_000,
  flapShare: 0,
  flapEveryS: 300,
};

export function resolveOptions(o: FleetOptions): ResolvedFleetOptions {
  const pick = <K extends keyof FleetBehaviour>(k: K): FleetBehaviour[K] => o[k] ?? DEFAULT_BEHAVIOUR[k];
  return {
    mqttUrl: o.mqttUrl,
    firstIndex: o.firstIndex ?? 0,
    connectRate: o.connectRate ?? 500,
    keepaliveS: o.keepaliveS ?? 60,
    connectTimeoutMs: o.connectTimeoutMs ?? 30_000,
    backoffInitialMs: o.backoffInitialMs ?? 1_000,
    backoffMaxMs: o.backoffMaxMs ?? 60_000,
    ackTimeoutMs: o.ackTimeoutMs ?? 10_000,
    software: o.software ?? '0.1.0-fleet',
    heartbeatIntervalS: pick('heartbeatIntervalS'),
    heartbeatJitter: pick('heartbeatJitter'),
    alarmsPerHomePerHour: pick('alarmsPerHomePerHour'),
    keySafeOpeningsPerHomePerDay: pick('keySafeOpeningsPerHomePerDay'),
    batteryDrainPerHour: pick('batteryDrainPerHour'),
    skewShare: pick('skewShare'),
    skewMaxMs: pick('skewMaxMs'),
    flapShare: pick('flapShare'),
    flapEveryS: pick('flapEveryS'),
  };
}
