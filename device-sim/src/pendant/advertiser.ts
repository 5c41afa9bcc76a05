import {
  type BluezStandin,
  type GattServiceSpec,
  type MockBleAir,
  MockGattPeripheral,
} from '@baken/hardware';

/** Service data of one advertisement: 16-bit UUID as 4 lower-case hex digits (`'fcd2'`) → bytes. */
export type ServiceData = Map<string, Uint8Array>;

/** Where a simulated BLE device puts its advertisements on the air. */
export interface Advertiser {
  /** Registers the device (name shown to scanners); called once before the first advert. */
  register(address: string, name: string): void;
  advertise(address: string, serviceData: ServiceData, rssi: number): void;
  /** Serves a GATT service a central may connect to (the pendant's ack service) [PENDANT SPEC §7.2]. */
  serveGatt(address: string, service: GattServiceSpec): void;
}

/** The in-memory air: every attached `MockBleScanner` that is scanning hears it synchronously. */
export class MockAirAdvertiser implements Advertiser {
  readonly #air: MockBleAir;
  readonly #names = new Map<string, string>();
  constructor(air: MockBleAir) {
    this.#air = air;
  }
  register(address: string, name: string): void {
    this.#names.set(address, name);
  }
  advertise(address: string, serviceData: ServiceData, rssi: number): void {
    const name = this.#names.get(address);
    this.#air.broadcast({ address, rssi, serviceData, ...(name === undefined ? {} : { name }) });
  }
  serveGatt(address: string, service: GattServiceSpec): void {
    const peripheral = this.#air.peripheral(address);
    if (peripheral) peripheral.addService(service);
    else this.#air.addPeripheral(new MockGattPeripheral(address, [service]));
  }
}

/** The BlueZ stand-in on a private D-Bus: heard by node-ble while discovery runs. */
export class BluezAdvertiser implements Advertiser {
  readonly #standin: BluezStandin;
  constructor(standin: BluezStandin) {
    this.#standin = standin;
  }
  register(address: string, name: string): void {
    this.#standin.addDevice(address, { name });
  }
  advertise(address: string, serviceData: ServiceData, rssi: number): void {
    this.#standin.advertise(address, serviceData, rssi);
  }
  serveGatt(address: string, service: GattServiceSpec): void {
    this.#standin.addGattService(address, service.uuid, service.characteristics);
  }
}
