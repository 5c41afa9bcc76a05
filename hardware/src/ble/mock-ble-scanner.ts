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

/** What clears a simulated stall: a discovery restart, or only an adapter power cycle. */
export type MockStallClearedBy = 'restart' | 'reset';

/**
 * In-memory `BleScanner`. Test handles: `emitAdvert`, `emitError`, `failNextStart`, `stall`,
 * `startCount`, `adapterResets`. Contract: see `BleScanner`; an advert injected while not
 * scanning (or while stalled) is dropped (like the air).
 */
export class MockBleScanner extends EventEmitter<BleScannerEvents> implements BleScanner {
  readonly #clock: Clock;
  #scanning = false;
  #failNext: HardwareError | undefined;
  #failUntilReset: HardwareError | undefined;
  #stall: MockStallClearedBy | undefined;
  /** How many times discovery was (re)started; lets watchdog tests observe restarts. */
  startCount = 0;
  /** How many times the adapter was power-cycled by `resetAdapter()`. */
  adapterResets = 0;

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
    const fail = this.#failNext ?? this.#failUntilReset;
    if (fail) {
      this.#failNext = undefined;
      throw fail;
    }
    this.#scanning = true;
    this.startCount++;
    if (this.#stall === 'restart') this.#stall = undefined;
  }

  async stop(): Promise<void> {
    this.#scanning = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async resetAdapter(): Promise<void> {
    await this.stop();
    this.adapterResets++;
    this.#failUntilReset = undefined;
    this.#stall = undefined;
    await this.start();
  }

  /** Delivers an advert as if received now; returns false (and emits nothing) when not scanning. */
  emitAdvert(input: MockAdvertInput): boolean {
    if (!this.#scanning || this.#stall !== undefined) return false;
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

  /**
   * BlueZ's stuck discovery: every `start()`/`restart()` rejects with
   * `BAKEN_ERR_BLE_SCAN_IN_PROGRESS` until `resetAdapter()`.
   */
  failStartsInProgress(): void {
    this.#failUntilReset = new HardwareError(
      'BAKEN_ERR_BLE_SCAN_IN_PROGRESS',
      'start discovery: org.bluez.Error.InProgress: Operation already in progress',
    );
  }

  /**
   * A silent stall: discovery still reports running, but no advert gets through until a
   * discovery restart (`'restart'`) or only an adapter reset (`'reset'`) clears it.
   */
  stall(clearedBy: MockStallClearedBy = 'restart'): void {
    this.#stall = clearedBy;
  }
}
