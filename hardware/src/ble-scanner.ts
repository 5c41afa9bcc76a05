import type { EventEmitter } from 'node:events';

/**
 * A passive BLE scanner (the home unit listens for pendant advertisements).
 *
 * Contract:
 * - `start()` begins discovery; calling it while running is a no-op. Rejects with a
 *   `HardwareError` (`BAKEN_ERR_BLE_ADAPTER`) when the adapter is missing or powered off.
 * - Every received advertisement emits `'advert'`, including repeats with identical content (the
 *   pendant repeats a press; deduplication is the protocols layer's job, not the scanner's).
 * - `serviceData` keys are 16-bit UUIDs as lower-case 4-hex-digit strings (`'fcd2'`), or full
 *   128-bit UUIDs in canonical lower-case form; values are the raw bytes.
 * - `manufacturerData` keys are the 16-bit company identifier.
 * - `stop()` ends discovery; no `'advert'` is emitted after it resolves.
 * - A stalled or dead discovery (BlueZ `InProgress`, adapter reset) emits `'error'` and the owner's
 *   watchdog may call `restart()`.
 */
export interface BleAdvert {
  /** `AA:BB:CC:DD:EE:FF`, upper case. */
  address: string;
  rssi: number | null;
  name?: string;
  serviceData: Map<string, Uint8Array>;
  manufacturerData: Map<number, Uint8Array>;
  /** Receive time on the scanner's clock (ms since epoch). */
  receivedAt: number;
}

export interface BleScannerEvents {
  advert: [advert: BleAdvert];
  error: [err: Error];
}

export interface BleScanner extends EventEmitter<BleScannerEvents> {
  readonly scanning: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop and start discovery again (scan watchdog); resolves when discovery runs again. */
  restart(): Promise<void>;
}
