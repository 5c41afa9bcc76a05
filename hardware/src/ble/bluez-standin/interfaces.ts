import { ConfiguredInterface, DBusError, Interface, Variant } from '../dbus.js';

/**
 * D-Bus service interface classes for the part of the BlueZ 5 API that node-ble calls
 * (BlueZ doc/adapter-api.txt, device-api.txt, gatt-api.txt, agent-api.txt). Behaviour lives in
 * the `StandinHooks` the stand-in passes in; these classes only declare members and state.
 */
export function bluezError(name: string, text: string): DBusError {
  return new DBusError(`org.bluez.Error.${name}`, text);
}

/** Current property values of an exported interface as `a{sv}` (for ObjectManager). */
export function propertyVariants(iface: Interface): Record<string, Variant> {
  const props =
    (iface as unknown as { $properties?: Record<string, { signature: string }> }).$properties ?? {};
  const out: Record<string, Variant> = {};
  for (const [key, p] of Object.entries(props)) {
    const value = (iface as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = new Variant(p.signature, value);
  }
  return out;
}

export function emitChanged(iface: Interface, changed: Record<string, unknown>): void {
  Interface.emitPropertiesChanged(iface, changed, []);
}

/** `org.freedesktop.DBus.ObjectManager` at `/` (D-Bus spec §"ObjectManager"). */
export class ObjectManagerIface extends ConfiguredInterface {
  constructor(private readonly managed: () => Record<string, Record<string, Record<string, Variant>>>) {
    super('org.freedesktop.DBus.ObjectManager');
  }
  GetManagedObjects(): Record<string, Record<string, Record<string, Variant>>> {
    return this.managed();
  }
  InterfacesAdded(path: string, ifaces: Record<string, Record<string, Variant>>): unknown[] {
    return [path, ifaces];
  }
  InterfacesRemoved(path: string, ifaces: string[]): unknown[] {
    return [path, ifaces];
  }
}
ObjectManagerIface.configureMembers({
  methods: { GetManagedObjects: { outSignature: 'a{oa{sa{sv}}}' } },
  signals: { InterfacesAdded: { signature: 'oa{sa{sv}}' }, InterfacesRemoved: { signature: 'oas' } },
});

/** `org.bluez.AgentManager1` at `/org/bluez`: node-ble looks it up to list adapters. */
export class AgentManagerIface extends ConfiguredInterface {
  constructor() {
    super('org.bluez.AgentManager1');
  }
  RegisterAgent(_agent: string, _capability: string): void {}
  UnregisterAgent(_agent: string): void {}
  RequestDefaultAgent(_agent: string): void {}
}
AgentManagerIface.configureMembers({
  methods: {
    RegisterAgent: { inSignature: 'os' },
    UnregisterAgent: { inSignature: 'o' },
    RequestDefaultAgent: { inSignature: 'o' },
  },
});

export interface AdapterHooks {
  startDiscovery(): void;
  stopDiscovery(): void;
  removeDevice(path: string): void;
  /** A client set `Powered` (D-Bus Properties.Set): power the simulated radio on or off. */
  setPowered(on: boolean): void;
}

/** `org.bluez.Adapter1` at `/org/bluez/<hci>`. */
export class AdapterIface extends ConfiguredInterface {
  Address: string;
  AddressType = 'public';
  Name = 'baken-standin';
  Alias = 'baken-standin';
  /** What `Powered` reads; the stand-in updates it through `hooks.setPowered`. */
  poweredState = true;
  Discoverable = false;
  Pairable = false;
  Discovering = false;
  UUIDs: string[] = [];
  constructor(
    address: string,
    private readonly hooks: AdapterHooks,
  ) {
    super('org.bluez.Adapter1');
    this.Address = address;
  }
  get Powered(): boolean {
    return this.poweredState;
  }
  set Powered(on: boolean) {
    this.hooks.setPowered(on);
  }
  StartDiscovery(): void {
    this.hooks.startDiscovery();
  }
  StopDiscovery(): void {
    this.hooks.stopDiscovery();
  }
  SetDiscoveryFilter(_filter: Record<string, Variant>): void {}
  GetDiscoveryFilters(): string[] {
    return ['UUIDs', 'RSSI', 'Pathloss', 'Transport', 'DuplicateData'];
  }
  RemoveDevice(path: string): void {
    this.hooks.removeDevice(path);
  }
}
AdapterIface.configureMembers({
  properties: {
    Address: { signature: 's', access: 'read' },
    AddressType: { signature: 's', access: 'read' },
    Name: { signature: 's', access: 'read' },
    Alias: { signature: 's' },
    Powered: { signature: 'b' },
    Discoverable: { signature: 'b' },
    Pairable: { signature: 'b' },
    Discovering: { signature: 'b', access: 'read' },
    UUIDs: { signature: 'as', access: 'read' },
  },
  methods: {
    StartDiscovery: {},
    StopDiscovery: {},
    SetDiscoveryFilter: { inSignature: 'a{sv}' },
    GetDiscoveryFilters: { outSignature: 'as' },
    RemoveDevice: { inSignature: 'o' },
  },
});

export interface DeviceHooks {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * `org.bluez.Device1` at `/org/bluez/<hci>/dev_XX_…`. `ManufacturerData` is left undefined (so not
 * listed) for a device that sends none, as BlueZ does.
 */
export class DeviceIface extends ConfiguredInterface {
  Address: string;
  AddressType = 'random';
  Name: string;
  Alias: string;
  RSSI: number;
  ServiceData: Record<string, Variant>;
  ManufacturerData: Record<number, Variant> | undefined;
  Adapter: string;
  Paired = false;
  Trusted = false;
  Blocked = false;
  Connected = false;
  ServicesResolved = false;
  LegacyPairing = false;
  UUIDs: string[] = [];
  constructor(
    init: {
      address: string;
      name: string;
      rssi: number;
      serviceData: Record<string, Variant>;
      manufacturerData?: Record<number, Variant> | undefined;
      adapter: string;
    },
    private readonly hooks: DeviceHooks,
  ) {
    super('org.bluez.Device1');
    this.Address = init.address;
    this.Name = init.name;
    this.Alias = init.name || init.address.replace(/:/g, '-');
    this.RSSI = init.rssi;
    this.ServiceData = init.serviceData;
    this.ManufacturerData = init.manufacturerData;
    this.Adapter = init.adapter;
  }
  Connect(): Promise<void> {
    return this.hooks.connect();
  }
  Disconnect(): Promise<void> {
    return this.hooks.disconnect();
  }
  Pair(): void {
    throw bluezError('NotSupported', 'pairing is not simulated');
  }
  CancelPair(): void {}
}
DeviceIface.configureMembers({
  properties: {
    Address: { signature: 's', access: 'read' },
    AddressType: { signature: 's', access: 'read' },
    Name: { signature: 's', access: 'read' },
    Alias: { signature: 's' },
    RSSI: { signature: 'n', access: 'read' },
    ServiceData: { signature: 'a{sv}', access: 'read' },
    ManufacturerData: { signature: 'a{qv}', access: 'read' },
    Adapter: { signature: 'o', access: 'read' },
    Paired: { signature: 'b', access: 'read' },
    Trusted: { signature: 'b' },
    Blocked: { signature: 'b' },
    Connected: { signature: 'b', access: 'read' },
    ServicesResolved: { signature: 'b', access: 'read' },
    LegacyPairing: { signature: 'b', access: 'read' },
    UUIDs: { signature: 'as', access: 'read' },
  },
  methods: { Connect: {}, Disconnect: {}, Pair: {}, CancelPair: {} },
});

/** `org.bluez.GattService1`. */
export class GattServiceIface extends ConfiguredInterface {
  constructor(
    public UUID: string,
    public Device: string,
    public Primary = true,
  ) {
    super('org.bluez.GattService1');
  }
}
GattServiceIface.configureMembers({
  properties: {
    UUID: { signature: 's', access: 'read' },
    Device: { signature: 'o', access: 'read' },
    Primary: { signature: 'b', access: 'read' },
  },
});

export interface CharacteristicHooks {
  read(): Promise<Buffer>;
  write(value: Buffer): Promise<void>;
  startNotify(): void;
  stopNotify(): void;
}

/** `org.bluez.GattCharacteristic1`; a notification is a `Value` PropertiesChanged (gatt-api.txt). */
export class GattCharacteristicIface extends ConfiguredInterface {
  Value: Buffer = Buffer.alloc(0);
  Notifying = false;
  constructor(
    public UUID: string,
    public Service: string,
    public Flags: string[],
    private readonly hooks: CharacteristicHooks,
  ) {
    super('org.bluez.GattCharacteristic1');
  }
  ReadValue(_options: Record<string, Variant>): Promise<Buffer> {
    return this.hooks.read();
  }
  WriteValue(value: Buffer, _options: Record<string, Variant>): Promise<void> {
    return this.hooks.write(Buffer.from(value));
  }
  StartNotify(): void {
    this.hooks.startNotify();
  }
  StopNotify(): void {
    this.hooks.stopNotify();
  }
}
GattCharacteristicIface.configureMembers({
  properties: {
    UUID: { signature: 's', access: 'read' },
    Service: { signature: 'o', access: 'read' },
    Flags: { signature: 'as', access: 'read' },
    Value: { signature: 'ay', access: 'read' },
    Notifying: { signature: 'b', access: 'read' },
  },
  methods: {
    ReadValue: { inSignature: 'a{sv}', outSignature: 'ay' },
    WriteValue: { inSignature: 'aya{sv}' },
    StartNotify: {},
    StopNotify: {},
  },
});
