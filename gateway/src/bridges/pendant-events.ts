import { defaultEventPriority, type PendantEvent } from '@baken/protocols';
import type { DeviceEvent } from '../event-bus.js';
import type { PendantVaultStore } from './pendant-vault.js';

/** Service-data keys as the scanner reports them [PENDANT SPEC §1]. */
export const BTHOME_SERVICE_KEY = 'fcd2';
export const BAKEN_SERVICE_KEY = 'fcb1';

export interface PendantBridgeOptions {
  /** No advert at all for this long → restart discovery (scan watchdog). Default 5 min. */
  noAdvertRestartMs?: number;
  /** How often the watchdog looks. Default 30 s. */
  watchdogIntervalMs?: number;
  /** Dedupe window [PENDANT SPEC §5]. Default 30 s. */
  dedupeWindowMs?: number;
  /**
   * Where pairings, keys and the last accepted counters are kept across restarts (sealed at rest)
   * [PENDANT SPEC §5.3]. Without it the bridge forgets them on stop.
   */
  vault?: PendantVaultStore;
  /**
   * Last accepted Baken counters by advert device id (12 hex digits) as an older version kept them
   * (`pendant-counters.json`); adopted for a Baken pendant the vault has no counter for.
   */
  legacyBakenCounters?: Readonly<Record<string, number>>;
}

export interface PendantBridgeStats {
  adverts: number;
  events: number;
  repeats: number;
  unknownIgnored: number;
  refused: number;
  scanRestarts: number;
  scanning: boolean;
  /** Vault saves that failed (disk full, read-only): counters may be behind after a restart. */
  vaultWriteFailures: number;
}

/** A pendant-format advert from a device that is not paired (pairing listens for these). */
export interface UnpairedSighting {
  address: string;
  format: 'baken' | 'bthome';
  /** The press kinds it carried (BTHome, unencrypted only; Baken adverts are opaque without a key). */
  kinds: PendantEvent['kind'][];
  rssi: number | null;
}

/** The `BAKEN_ERR_…` code of a hardware/gateway error, if it has one. */
export const errorCode = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('BAKEN_ERR_') ? code : undefined;
};
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A pendant event as the topic map's `events` entry [MQTT-MAP §4.1.2]; null when it has no valid form. */
export function toDeviceEvent(deviceId: string, e: PendantEvent, receivedAt: number): DeviceEvent | null {
  let data: Record<string, unknown>;
  switch (e.kind) {
    case 'alarm':
    case 'cancel':
    case 'fall':
    case 'test':
      data = {
        format: e.format,
        rssi: e.rssi,
        ...(e.sequence === null ? {} : { counter: e.sequence }),
        authenticated: e.authenticated,
      };
      break;
    case 'low_battery':
      data = { percent: e.battery };
      break;
    case 'battery':
      if (e.battery === null) return null;
      data = { percent: e.battery };
      break;
  }
  return {
    deviceId,
    deviceKind: 'pendant',
    kind: e.kind,
    priority: defaultEventPriority('pendant', e.kind),
    deviceTime: null,
    receivedAt,
    ...(e.sequence === null ? {} : { seq: e.sequence }),
    data,
    ...(e.kind === 'battery' ? { coalesceKey: `battery:${deviceId}` } : {}),
  };
}
