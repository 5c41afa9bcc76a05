import { watchBusClosed } from '../bus-closed.js';
import { DBusError, type Interface, NameFlag, RequestNameReply, sessionBus, Variant } from '../dbus.js';
import { characteristicFlags, type GattCharacteristicSpec } from '../gatt-peripheral-spec.js';
import { devicePath, normalizeAddress, toUuid128 } from '../uuid.js';
import { type AdapterFault, AdapterRadio } from './adapter-radio.js';
import {
  AdapterIface,
  AgentManagerIface,
  bluezError,
  DeviceIface,
  emitChanged,
  GattCharacteristicIface,
  GattServiceIface,
  ObjectManagerIface,
  propertyVariants,
} from './interfaces.js';

type Iface = Interface;
type ServiceDataInput = Record<string, Uint8Array> | Map<string, Uint8Array>;
/** Keyed by the 16-bit Bluetooth SIG company identifier. */
type ManufacturerDataInput = Record<number, Uint8Array> | Map<number, Uint8Array>;

export interface StandinDeviceInit {
  name?: string;
  rssi?: number;
  serviceData?: ServiceDataInput;
  manufacturerData?: ManufacturerDataInput;
}

export interface StandinGattService {
  /** Sends a notification (a `Value` PropertiesChanged) if the central is connected and subscribed. */
  notify(characteristic: string, value: Uint8Array): void;
}

export interface BluezStandin {
  readonly adapter: string;
  /** Puts a simulated device on the air (in range); it appears on D-Bus once discovery hears it. */
  addDevice(address: string, init?: StandinDeviceInit): void;
  /**
   * One advertisement: updates RSSI/ServiceData (and ManufacturerData when given) and, while
   * discovering, emits it on D-Bus.
   */
  advertise(
    address: string,
    serviceData: ServiceDataInput,
    rssi?: number,
    manufacturerData?: ManufacturerDataInput,
  ): void;
  /** Out of range drops a live link (link loss) and removes the device object, as BlueZ does. */
  setInRange(address: string, inRange: boolean): void;
  /** Drops a live link without removing the device (power glitch, supervision timeout). */
  dropLink(address: string): void;
  addGattService(
    address: string,
    serviceUuid: string,
    characteristics: GattCharacteristicSpec[],
  ): StandinGattService;
  isConnected(address: string): boolean;
  /**
   * Puts a fault on the adapter (`in-progress`: StartDiscovery answers `org.bluez.Error.InProgress`;
   * `stalled`: discovery runs but hears nothing) until a client power-cycles it; `undefined` clears.
   */
  injectAdapterFault(fault: AdapterFault | undefined): void;
  /** Whether the adapter is powered (a client may switch it through Adapter1 `Powered`). */
  readonly powered: boolean;
  stop(): Promise<void>;
}

interface SimChar {
  path: string;
  iface: GattCharacteristicIface;
}

interface SimDevice {
  address: string;
  path: string;
  name: string;
  rssi: number;
  serviceData: Record<string, Variant>;
  manufacturerData: Record<number, Variant> | undefined;
  inRange: boolean;
  exported: boolean;
  connected: boolean;
  iface: DeviceIface | undefined;
  gatt: { path: string; iface: GattServiceIface; chars: Map<string, SimChar> }[];
  /** Aborts in-flight GATT calls when the link goes down. */
  aborts: Set<(err: Error) => void>;
}

function toServiceDataVariants(sd: ServiceDataInput): Record<string, Variant> {
  const out: Record<string, Variant> = {};
  const entries = sd instanceof Map ? [...sd.entries()] : Object.entries(sd);
  for (const [k, v] of entries) out[toUuid128(k)] = new Variant('ay', Buffer.from(v));
  return out;
}

function toManufacturerDataVariants(
  md: ManufacturerDataInput | undefined,
): Record<number, Variant> | undefined {
  if (md === undefined) return undefined;
  const out: Record<number, Variant> = {};
  const entries = md instanceof Map ? [...md.entries()] : Object.entries(md);
  for (const [k, v] of entries) out[Number(k)] = new Variant('ay', Buffer.from(v));
  return out;
}

/**
 * A BlueZ stand-in on `busAddress`: owns `org.bluez` and exports `/` ObjectManager,
 * `/org/bluez` AgentManager1, `/org/bluez/<adapter>` Adapter1, and Device1/GattService1/
 * GattCharacteristic1 objects for simulated devices, at BlueZ's exact paths so the unmodified
 * node-ble works against it. Devices are heard only while discovery runs (like the radio).
 */
export async function startBluezStandin(opts: {
  busAddress: string;
  adapter?: string;
  adapterAddress?: string;
}): Promise<BluezStandin> {
  const adapter = opts.adapter ?? 'hci0';
  const adapterPath = `/org/bluez/${adapter}`;
  const bus = sessionBus({ busAddress: opts.busAddress });
  // The daemon may go first (Ctrl-C reaches the whole process group): a write to the closed
  // connection is reported here, never as an unhandled `error` that ends the process.
  const busState = watchBusClosed(bus);
  bus.on('error', () => undefined);
  const exported = new Map<string, Map<string, Iface>>();
  const devices = new Map<string, SimDevice>();

  const managed = (): Record<string, Record<string, Record<string, Variant>>> => {
    const out: Record<string, Record<string, Record<string, Variant>>> = {};
    for (const [path, ifaces] of exported) {
      if (!path.startsWith('/org/bluez/')) continue;
      out[path] = {};
      for (const [name, iface] of ifaces) out[path][name] = propertyVariants(iface);
    }
    return out;
  };
  const objectManager = new ObjectManagerIface(managed);

  const exportObject = (path: string, ifaces: Iface[]): void => {
    const m = new Map<string, Iface>();
    const props: Record<string, Record<string, Variant>> = {};
    for (const i of ifaces) {
      bus.export(path, i);
      m.set((i as unknown as { $name: string }).$name, i);
      props[(i as unknown as { $name: string }).$name] = propertyVariants(i);
    }
    exported.set(path, m);
    if (path.startsWith('/org/bluez/')) objectManager.InterfacesAdded(path, props);
  };
  const unexportObject = (path: string): void => {
    const m = exported.get(path);
    if (!m) return;
    for (const i of m.values()) bus.unexport(path, i);
    exported.delete(path);
    objectManager.InterfacesRemoved(path, [...m.keys()]);
  };

  const linkDown = (d: SimDevice): void => {
    if (!d.connected) return;
    d.connected = false;
    const aborts = [...d.aborts];
    d.aborts.clear();
    for (const a of aborts) a(bluezError('Failed', 'Not connected'));
    for (const s of d.gatt) {
      for (const c of s.chars.values()) {
        if (c.iface.Notifying) {
          c.iface.Notifying = false;
          emitChanged(c.iface, { Notifying: false });
        }
      }
    }
    if (d.iface) {
      d.iface.Connected = false;
      d.iface.ServicesResolved = false;
      emitChanged(d.iface, { ServicesResolved: false, Connected: false });
    }
  };

  /** Runs a GATT handler, failing it when the link drops first. */
  const gattCall = <T>(d: SimDevice, run: () => Promise<T>): Promise<T> => {
    if (!d.connected) return Promise.reject(bluezError('Failed', 'Not connected'));
    return new Promise<T>((resolve, reject) => {
      d.aborts.add(reject);
      run().then(
        (v) => {
          d.aborts.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          d.aborts.delete(reject);
          reject(e instanceof DBusError ? e : bluezError('Failed', 'Operation failed'));
        },
      );
    });
  };

  const exportGattService = (s: SimDevice['gatt'][number]): void => {
    exportObject(s.path, [s.iface]);
    for (const c of s.chars.values()) exportObject(c.path, [c.iface]);
  };

  const exportDevice = (d: SimDevice): void => {
    d.iface = new DeviceIface(
      {
        address: d.address,
        name: d.name,
        rssi: d.rssi,
        serviceData: d.serviceData,
        manufacturerData: d.manufacturerData,
        adapter: adapterPath,
      },
      {
        connect: async () => {
          if (!d.inRange) throw bluezError('Failed', 'le-connection-abort-by-local');
          if (d.connected || !d.iface) return;
          d.connected = true;
          d.iface.Connected = true;
          emitChanged(d.iface, { Connected: true });
          d.iface.ServicesResolved = true;
          emitChanged(d.iface, { ServicesResolved: true });
        },
        disconnect: async () => linkDown(d),
      },
    );
    d.exported = true;
    exportObject(d.path, [d.iface]);
    for (const s of d.gatt) exportGattService(s);
  };

  const removeDevice = (d: SimDevice): void => {
    linkDown(d);
    if (!d.exported) return;
    for (const s of [...d.gatt].reverse()) {
      for (const c of s.chars.values()) unexportObject(c.path);
      unexportObject(s.path);
    }
    unexportObject(d.path);
    d.exported = false;
    d.iface = undefined;
  };

  /** Discovery heard `d` advertise: export it or emit the advert as PropertiesChanged. */
  const heard = (d: SimDevice): void => {
    if (!radio.hearing || !d.inRange) return;
    if (!d.exported || !d.iface) {
      exportDevice(d);
      return;
    }
    d.iface.RSSI = d.rssi;
    d.iface.ServiceData = d.serviceData;
    d.iface.ManufacturerData = d.manufacturerData;
    emitChanged(d.iface, {
      RSSI: d.rssi,
      ServiceData: d.serviceData,
      ...(d.manufacturerData ? { ManufacturerData: d.manufacturerData } : {}),
    });
  };

  const adapterIface = new AdapterIface(opts.adapterAddress ?? '00:BA:4E:00:00:01', {
    startDiscovery: () => radio.startDiscovery(),
    stopDiscovery: () => radio.stopDiscovery(),
    setPowered: (on) => {
      // powering off drops every link, as the controller does
      if (!on) for (const d of devices.values()) linkDown(d);
      radio.setPowered(on);
    },
    removeDevice: (path) => {
      const d = [...devices.values()].find((x) => x.path === path && x.exported);
      if (!d) throw bluezError('DoesNotExist', 'Does Not Exist');
      removeDevice(d);
    },
  });

  const radio = new AdapterRadio(adapterIface, () => {
    for (const d of devices.values()) heard(d);
  });

  bus.export('/', objectManager);
  exported.set('/', new Map([['org.freedesktop.DBus.ObjectManager', objectManager]]));
  exportObject('/org/bluez', [new AgentManagerIface()]);
  exportObject(adapterPath, [adapterIface]);
  try {
    const reply = await bus.requestName('org.bluez', NameFlag.DO_NOT_QUEUE);
    if (reply !== RequestNameReply.PRIMARY_OWNER) throw new Error('org.bluez is already owned');
  } catch (err) {
    bus.disconnect();
    throw err;
  }

  const device = (address: string): SimDevice => {
    const d = devices.get(normalizeAddress(address));
    if (!d) throw new Error(`unknown simulated device ${address}`);
    return d;
  };

  return {
    adapter,
    addDevice(address, init = {}) {
      const a = normalizeAddress(address);
      if (devices.has(a)) throw new Error(`simulated device ${a} already exists`);
      const d: SimDevice = {
        address: a,
        path: devicePath(adapter, a),
        name: init.name ?? '',
        rssi: init.rssi ?? -60,
        serviceData: toServiceDataVariants(init.serviceData ?? {}),
        manufacturerData: toManufacturerDataVariants(init.manufacturerData),
        inRange: true,
        exported: false,
        connected: false,
        iface: undefined,
        gatt: [],
        aborts: new Set(),
      };
      devices.set(a, d);
      heard(d);
    },
    advertise(address, serviceData, rssi, manufacturerData) {
      const d = device(address);
      d.serviceData = toServiceDataVariants(serviceData);
      if (manufacturerData !== undefined) d.manufacturerData = toManufacturerDataVariants(manufacturerData);
      if (rssi !== undefined) d.rssi = rssi;
      heard(d);
    },
    setInRange(address, inRange) {
      const d = device(address);
      d.inRange = inRange;
      if (!inRange) removeDevice(d);
      else heard(d);
    },
    dropLink(address) {
      linkDown(device(address));
    },
    isConnected(address) {
      return device(address).connected;
    },
    injectAdapterFault(fault) {
      radio.inject(fault);
    },
    get powered() {
      return radio.powered;
    },
    addGattService(address, serviceUuid, characteristics) {
      const d = device(address);
      const base = 0x000a + d.gatt.length * 0x10;
      const sPath = `${d.path}/service${base.toString(16).padStart(4, '0')}`;
      const chars = new Map<string, SimChar>();
      characteristics.forEach((spec, i) => {
        const uuid = toUuid128(spec.uuid);
        const path = `${sPath}/char${(base + 1 + i * 2).toString(16).padStart(4, '0')}`;
        const iface: GattCharacteristicIface = new GattCharacteristicIface(
          uuid,
          sPath,
          characteristicFlags(spec),
          {
            read: () =>
              gattCall(d, async () => {
                if (!spec.onRead) throw bluezError('NotPermitted', 'Read not permitted');
                return Buffer.from(await spec.onRead());
              }),
            write: (value) =>
              gattCall(d, async () => {
                if (!spec.onWrite) throw bluezError('NotPermitted', 'Write not permitted');
                await spec.onWrite(Uint8Array.from(value));
              }),
            startNotify: () => {
              if (!d.connected) throw bluezError('Failed', 'Not connected');
              if (!iface.Flags.includes('notify') && !iface.Flags.includes('indicate')) {
                throw bluezError('NotSupported', 'Operation is not supported');
              }
              if (iface.Notifying) return;
              iface.Notifying = true;
              emitChanged(iface, { Notifying: true });
            },
            stopNotify: () => {
              if (!iface.Notifying) return;
              iface.Notifying = false;
              emitChanged(iface, { Notifying: false });
            },
          },
        );
        chars.set(uuid, { path, iface });
      });
      const s = { path: sPath, iface: new GattServiceIface(toUuid128(serviceUuid), d.path), chars };
      d.gatt.push(s);
      if (d.exported) exportGattService(s);
      return {
        notify(characteristic, value) {
          const c = chars.get(toUuid128(characteristic));
          if (!c) throw new Error(`unknown characteristic ${characteristic}`);
          if (!d.connected || !c.iface.Notifying) return;
          c.iface.Value = Buffer.from(value);
          emitChanged(c.iface, { Value: c.iface.Value });
        },
      };
    },
    async stop() {
      if (busState.closed) return;
      for (const d of devices.values()) linkDown(d);
      // Release first so a stand-in started right after can own org.bluez at once; a bus that
      // closed meanwhile never answers.
      await Promise.race([bus.releaseName('org.bluez').catch(() => undefined), busState.whenClosed]);
      bus.disconnect();
    },
  };
}
