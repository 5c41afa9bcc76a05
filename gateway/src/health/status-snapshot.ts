import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HeartbeatPayload } from '@baken/protocols';
import { writeFileAtomic } from '../atomic-write.js';
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

/**
 * Where the snapshot also goes when the data disk refuses it (read-only or full): the service's
 * runtime directory (systemd `RuntimeDirectory=baken-gateway`, a tmpfs). `baken-gateway status`
 * reads both and shows the newer, so a unit on a failed disk still says so.
 */
export const RUNTIME_STATUS_PATH = '/run/baken-gateway/status.json';

/** Writes the snapshot to `primary`, or to `fallback` when `primary` fails; which one, or null. */
export function saveStatusSnapshot(
  snapshot: StatusSnapshot,
  primary: string,
  fallback: string | null,
): 'primary' | 'fallback' | null {
  const body = JSON.stringify(snapshot);
  try {
    writeFileAtomic(primary, body, 0o600);
    return 'primary';
  } catch {
    if (fallback === null || !existsSync(dirname(fallback))) return null;
    try {
      writeFileAtomic(fallback, body, 0o600);
      return 'fallback';
    } catch {
      return null;
    }
  }
}
