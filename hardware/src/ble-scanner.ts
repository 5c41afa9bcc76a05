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
 * - A stalled or dead discovery (adapter reset, powered off) emits `'error'` and the owner's
 *   watchdog may call `restart()`, then `resetAdapter()`.
 * - `start()`/`restart()` reject with `BAKEN_ERR_BLE_SCAN_IN_PROGRESS` when BlueZ answers
 *   StartDiscovery with `org.bluez.Error.InProgress` (its discovery state is stuck; restarting
 *   discovery rarely helps, an adapter reset does), with `BAKEN_ERR_BLE_SCAN` for other refusals.
 * - A stall that reports nothing (discovery "running", no adverts) is only visible as silence:
 *   the owner judges it from the devices it expects to hear (hardware/src/ble/DECISIONS.md §2).
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
  /**
   * Power-cycles the adapter (BlueZ Adapter1 `Powered` false, then true) and starts discovery
   * again: the watchdog's step after `restart()` did not help. Resolves when discovery runs again;
   * rejects like `start()` (`BAKEN_ERR_BLE_ADAPTER` when the adapter does not come back). No
   * `'error'` is emitted for the power-off it causes itself.
   */
  resetAdapter(): Promise<void>;
}
