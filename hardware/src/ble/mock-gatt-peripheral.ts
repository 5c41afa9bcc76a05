import { EventEmitter } from 'node:events';
import { characteristicFlags, type GattServiceSpec } from './gatt-peripheral-spec.js';
import { normalizeAddress, toUuid128 } from './uuid.js';

export interface MockCharacteristic {
  readonly uuid: string;
  readonly flags: string[];
  onRead: (() => Uint8Array | Promise<Uint8Array>) | undefined;
  onWrite: ((value: Uint8Array) => void | Promise<void>) | undefined;
}

interface PeripheralEvents {
  /** A notification from the device firmware (service and characteristic in 128-bit form). */
  notify: [service: string, characteristic: string, value: Uint8Array];
  /** The radio link broke (out of range, power loss). */
  linkLost: [];
}

/**
 * An in-memory GATT peripheral the device simulator implements: services with characteristic
 * handlers, `notify()` to push a value, `setInRange(false)` / `dropLink()` for link loss.
 * `MockGattLink` connects to it; the same `GattServiceSpec` works with the BlueZ stand-in.
 */
export class MockGattPeripheral extends EventEmitter<PeripheralEvents> {
  readonly address: string;
  readonly #services = new Map<string, Map<string, MockCharacteristic>>();
  #inRange = true;
  #connected = false;

  constructor(address: string, services: GattServiceSpec[] = []) {
    super();
    this.address = normalizeAddress(address);
    for (const s of services) this.addService(s);
  }

  addService(spec: GattServiceSpec): void {
    const chars = new Map<string, MockCharacteristic>();
    for (const c of spec.characteristics) {
      const uuid = toUuid128(c.uuid);
      chars.set(uuid, { uuid, flags: characteristicFlags(c), onRead: c.onRead, onWrite: c.onWrite });
    }
    this.#services.set(toUuid128(spec.uuid), chars);
  }

  get inRange(): boolean {
    return this.#inRange;
  }

  get connected(): boolean {
    return this.#connected;
  }

  serviceUuids(): string[] {
    return [...this.#services.keys()];
  }

  characteristic(service: string, characteristic: string): MockCharacteristic | undefined {
    return this.#services.get(toUuid128(service))?.get(toUuid128(characteristic));
  }

  /** Pushes a notification; delivered only to a connected, subscribed link. */
  notify(service: string, characteristic: string, value: Uint8Array): void {
    this.emit('notify', toUuid128(service), toUuid128(characteristic), Uint8Array.from(value));
  }

  /** Out of range drops a live link (link loss) and refuses new connections until back in range. */
  setInRange(inRange: boolean): void {
    this.#inRange = inRange;
    if (!inRange) this.dropLink();
  }

  /** Breaks a live link as a power loss or radio fade would. */
  dropLink(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.emit('linkLost');
  }

  /** @internal used by `MockGattLink`. */
  _attach(): boolean {
    if (!this.#inRange || this.#connected) return false;
    this.#connected = true;
    return true;
  }

  /** @internal used by `MockGattLink`. */
  _detach(): void {
    this.#connected = false;
  }
}
