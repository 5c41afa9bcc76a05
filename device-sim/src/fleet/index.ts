// The fleet simulator's programmatic API (device-sim/README.md "Fleet mode"): `startFleet` runs N
// simulated home units against a Baken server over real MQTT, in this process or spread over
// worker processes, and returns live stats and fault controls.
import type { Fleet } from './fleet-api.js';
import { LocalFleet } from './local-fleet.js';
import type { FleetOptions } from './options.js';
import { startWorkerFleet } from './worker-fleet.js';

export { type FleetCredentials, readFleetCredentials, writeFleetCredentials } from './credentials.js';
export type { Fleet, FleetSummary } from './fleet-api.js';
export type { LatencySummary } from './latency.js';
export { LocalFleet } from './local-fleet.js';
export { DEFAULT_BEHAVIOUR, type FleetBehaviour, type FleetOptions } from './options.js';
export type { HomeIdentity } from './sim-home.js';
export type { FleetCounters, FleetStats } from './stats.js';

export interface StartFleetOptions extends FleetOptions {
  /**
   * Worker processes (each with its open-file limit raised to the hard limit). Default: in this
   * process up to `homesPerProcess` homes, else as many workers as needed. Clock and random are
   * only honoured in this process.
   */
  processes?: number;
  /** Most homes (connections) per process when `processes` is not given. Default 6,000. */
  homesPerProcess?: number;
}

/** Starts a fleet; homes connect at `connectRate` per second. See {@link Fleet}. */
export async function startFleet(opts: StartFleetOptions): Promise<Fleet> {
  const perProcess = opts.homesPerProcess ?? 6_000;
  const processes =
    opts.processes ?? (opts.homes.length <= perProcess ? 0 : Math.ceil(opts.homes.length / perProcess));
  if (processes <= 0) return new LocalFleet(opts).start();
  return startWorkerFleet(opts, processes);
}
