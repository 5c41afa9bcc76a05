import type { Clock } from '@baken/hardware';
import {
  KS_DEFAULT_AUTH_POLICY,
  type KsAuthPolicy,
  KsCapability,
  type KsSenderConfig,
} from '@baken/protocols';
import type { DriftOptions } from './device-clock.js';
import type { NvStore } from './nv-store.js';

export interface KeySafeOptions {
  serial: string;
  /**
   * Device key K shared with the server (command MACs, sealing, audit chain) when it was loaded at the
   * factory and imported on the server. Absent: the safe gets K by KEY_INSTALL [KS-SERIAL §8.8].
   */
  key?: Uint8Array;
  /** Installation secret I (16 bytes; printed inside the door as the installation code) [KS-SERIAL §8.8]. */
  installSecret?: Uint8Array;
  /** Host clock the simulated hardware runs on (mock or system). */
  clock: Clock;
  nv: NvStore;
  drift?: DriftOptions;
  policy?: KsAuthPolicy;
  sender?: KsSenderConfig;
  /** Audit ring capacity (records) — [KS-SERIAL §10.1]. Default 1000. */
  auditCapacity?: number;
  /** Wrong codes before a lockout — [OTC SPEC §6]. Default 5. */
  maxAttempts?: number;
  /** First lockout, seconds; doubles per further lockout without an open in between. Default 900. */
  lockoutSeconds?: number;
  /** Seconds the bolt stays released after an accepted keypad code. Default 10. */
  unlockSeconds?: number;
  firmware?: { major: number; minor: number; patch: number };
  /** Battery percent at start. Default 100. */
  batteryPercent?: number;
  mains?: boolean;
}

export const KEY_SAFE_CAPABILITIES =
  KsCapability.DoorSensor |
  KsCapability.KeyHookSensor |
  KsCapability.Keypad |
  KsCapability.OfflineCodes |
  KsCapability.MainsPower |
  KsCapability.Battery |
  KsCapability.TamperSwitch |
  KsCapability.Rtc;

export function resolvedPolicy(opts: KeySafeOptions): KsAuthPolicy {
  return opts.policy ?? KS_DEFAULT_AUTH_POLICY;
}
