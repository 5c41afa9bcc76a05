import { EventEmitter } from 'node:events';
import type { BleAdvert, BleScanner, BleScannerEvents } from '../ble-scanner.js';
import type { Clock } from '../clock.js';
import { HardwareError } from '../errors.js';
import type { MockGattPeripheral } from './mock-gatt-peripheral.js';
import { normalizeAddress, toServiceDataKey } from './uuid.js';

/** What a simulated device puts on the air; missing fields default to empty/null. */
export interface MockAdvertInput {
  address: string;
  rssi?: number | null;
  name?: string;
  serviceData?: Map<string, Uint8Array> | Record<string, Uint8Array>;
  manufacturerData?: Map<number, Uint8Array>;
}

function toEntries<K extends string | number>(
  m: Map<K, Uint8Array> | Record<string, Uint8Array> | undefined,
): [K, Uint8Array][] {
  if (m === undefined) return [];
  return m instanceof Map ? [...m.entries()] : (Object.entries(m) as [K, Uint8Array][]);
}

/**
 * In-memory radio shared by simulated devices, mock scanners and mock GATT links: a device
 * `broadcast`s an advert and every attached scanner that is scanning hears it (synchronously);
 * GATT peripherals registered here are what `MockGattLink({ address, air })` connects to.
 */
export class MockBleAir {
  readonly #scanners = new Set<MockBleScanner>();
  readonly #peripherals = new Map<string, MockGattPeripheral>();

  addPeripheral(peripheral: MockGattPeripheral): void {
    this.#peripherals.set(peripheral.address, peripheral);
  }

  removePeripheral(address: string): void {
    this.#peripherals.delete(normalizeAddress(address));
  }

  peripheral(address: string): MockGattPeripheral | undefined {
    return this.#peripherals.get(normalizeAddress(address));
  }

  attach(scanner: MockBleScanner): void {
    this.#scanners.add(scanner);
  }

  detach(scanner: MockBleScanner): void {
    this.#scanners.delete(scanner);
  }

  /** Returns how many scanners heard the advert. */
  broadcast(advert: MockAdvertInput): number {
    let heard = 0;
    for (const s of this.#scanners) if (s.emitAdvert(advert)) heard++;
    return heard;
  }
}

/**
 * In-memory `BleScanner`. Test handles: `emitAdvert`, `emitError`, `failNextStart`, `startCount`.
 * Contract: see `BleScanner`; an advert injected while not scanning is dropped (like the air).
 */
export class MockBleScanner extends EventEmitter<BleScannerEvents> implements BleScanner {
  readonly #clock: Clock;
  #scanning = false;
  #failNext: HardwareError | undefined;
  /** How many times discovery was (re)started; lets watchdog tests observe restarts. */
  startCount = 0;

  constructor(opts: { clock: Clock; air?: MockBleAir }) {
    super();
    this.#clock = opts.clock;
    opts.air?.attach(this);
  }

  get scanning(): boolean {
    return this.#scanning;
  }

  async start(): Promise<void> {
    if (this.#scanning) return;
    const fail = this.#failNext;
    if (fail) {
      this.#failNext = undefined;
      throw fail;
    }
    this.#scanning = true;
    this.startCount++;
  }

  async stop(): Promise<void> {
    this.#scanning = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Delivers an advert as if received now; returns false (and emits nothing) when not scanning. */
  emitAdvert(input: MockAdvertInput): boolean {
    if (!this.#scanning) return false;
    const advert: BleAdvert = {
      address: normalizeAddress(input.address),
      rssi: input.rssi ?? null,
      serviceData: new Map(
        toEntries<string>(input.serviceData).map(([k, v]) => [toServiceDataKey(k), Uint8Array.from(v)]),
      ),
      manufacturerData: new Map(
        toEntries<number>(input.manufacturerData).map(([k, v]) => [k, Uint8Array.from(v)]),
      ),
      receivedAt: this.#clock.now(),
    };
    if (input.name !== undefined) advert.name = input.name;
    this.emit('advert', advert);
    return true;
  }

  /** Simulates a stalled/dead discovery: emits `'error'` (`BAKEN_ERR_BLE_SCAN`) and stops scanning. */
  emitError(message = 'discovery stalled'): void {
    this.#scanning = false;
    this.emit('error', new HardwareError('BAKEN_ERR_BLE_SCAN', message));
  }

  /** The next `start()` rejects with `BAKEN_ERR_BLE_ADAPTER` (adapter missing or powered off). */
  failNextStart(message = 'adapter powered off'): void {
    this.#failNext = new HardwareError('BAKEN_ERR_BLE_ADAPTER', message);
  }
}
