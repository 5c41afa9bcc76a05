import type { HeartbeatPayload } from '@baken/protocols';
import type { DeviceCounters, ScanState } from '../devices/device-registry.js';

/**
 * What the running gateway last knew, written next to the outbox with every heartbeat so that
 * `baken-gateway status` (a separate process) can show it: the heartbeat as sent, plus the counters
 * and scan error that the heartbeat schema has no room for [MQTT-MAP §4.3]. No secrets in it.
 */
export interface StatusSnapshot {
  heartbeat: HeartbeatPayload;
  counters: DeviceCounters;
  scan: ScanState;
}

/** A parsed `status.json`, or null when it is missing or not a snapshot (older version, damaged). */
export function asStatusSnapshot(value: unknown): StatusSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<StatusSnapshot>;
  if (typeof v.heartbeat !== 'object' || typeof v.counters !== 'object' || typeof v.scan !== 'object')
    return null;
  return v as StatusSnapshot;
}
