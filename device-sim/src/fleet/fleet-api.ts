import type { FleetStats } from './stats.js';

/** The end of a run: the last stats, with what never got its application ack counted as lost. */
export interface FleetSummary extends FleetStats {
  /** Alarms / events still unacknowledged when the fleet stopped (after the drain wait). */
  lostAlarms: number;
  lostEvents: number;
}

/**
 * A running fleet, in this process or spread over child processes — the same API either way.
 * Counts (`n`) are homes; shares are fractions 0..1 of the fleet. Each control call resolves with
 * how many homes it acted on.
 */
export interface Fleet {
  stats(): Promise<FleetStats>;
  /** Resolves once every home has connected at least once (rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  /** One pendant press on each of `n` connected homes now. */
  alarm(n: number): Promise<number>;
  /** An alarm storm: a `share` of the running homes each press once within `withinMs` (default 5 s). */
  storm(share: number, withinMs?: number): Promise<number>;
  /** `n` homes hang: connection up, nothing published (only heartbeat supervision sees it). */
  killSilently(n: number): Promise<number>;
  /** `n` homes die as at a power cut: no DISCONNECT, the broker publishes their last will. */
  killWithWill(n: number): Promise<number>;
  /** `n` homes lose their link for a moment and reconnect with the gateway's back-off. */
  flap(n: number): Promise<number>;
  /** `n` homes open their key safe (door_opened, door_closed 20 s later). */
  openKeySafes(n: number): Promise<number>;
  /** Resolves true once no event waits for its ack, false after `timeoutMs`. */
  settle(timeoutMs?: number): Promise<boolean>;
  /** Waits up to `drainMs` (default 5 s) for outstanding acks, then shuts every home down cleanly. */
  stop(opts?: { drainMs?: number }): Promise<FleetSummary>;
}
