import { EventEmitter } from 'node:events';
import type nodeBle from 'node-ble';
import type { BleAdvert, BleScanner, BleScannerEvents } from '../ble-scanner.js';
import type { Clock } from '../clock.js';
import { HardwareError } from '../errors.js';
import { untilBusCloses } from './bus-closed.js';
import type { Message, MessageBus, Variant } from './dbus.js';
import { errorText, helperOf, type NodeBleSession, sessionBus } from './node-ble-session.js';
import { typedValue } from './node-ble-typed-value.js';
import { addressFromDevicePath, toServiceDataKey } from './uuid.js';

type Props = Record<string, Variant | undefined>;
type ProxyMethods = Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>;
/** D-Bus message type SIGNAL (D-Bus specification, "Message Types"). */
const SIGNAL = 4;

interface DeviceState {
  address: string;
  name?: string;
  rssi: number | null;
  serviceData: Map<string, Uint8Array>;
  manufacturerData: Map<number, Uint8Array>;
}

/** Advert-carrying Device1 properties (BlueZ doc/device-api.txt). */
const ADVERT_PROPS = ['RSSI', 'ServiceData', 'ManufacturerData'];

function bytes(v: unknown): Uint8Array {
  // a Variant of node-ble's library copy (its class is not ours to `instanceof`)
  const inner = v !== null && typeof v === 'object' && 'signature' in v && 'value' in v ? v.value : v;
  return Uint8Array.from(inner as ArrayLike<number>);
}

/**
 * `BleScanner` over node-ble (BlueZ via D-Bus). Discovery and adapter checks go through node-ble;
 * adverts come from BlueZ's `InterfacesAdded` (new device) and Device1 `PropertiesChanged`
 * (RSSI/ServiceData/ManufacturerData) signals read on node-ble's own bus connection, because
 * node-ble has no event for them. Contract: see `BleScanner`.
 */
export class NodeBleScanner extends EventEmitter<BleScannerEvents> implements BleScanner {
  readonly #session: NodeBleSession;
  readonly #clock: Clock;
  readonly #adapterName: string;
  readonly #adapterPath: string;
  readonly #devices = new Map<string, DeviceState>();
  readonly #proxies = new Map<string, Promise<ProxyMethods>>();
  #adapter: nodeBle.Adapter | undefined;
  #scanning = false;
  #rulesAdded = false;
  #busy: Promise<void> = Promise.resolve();
  readonly #rules: string[];
  readonly #onMessage = (msg: Message): void => this.#handle(msg);
  readonly #onBusError = (err: unknown): void => this.#fail(`D-Bus connection failed: ${errorText(err)}`);

  constructor(opts: { session: NodeBleSession; clock: Clock; adapter?: string }) {
    super();
    this.#session = opts.session;
    this.#clock = opts.clock;
    this.#adapterName = opts.adapter ?? 'hci0';
    this.#adapterPath = `/org/bluez/${this.#adapterName}`;
    this.#rules = [
      "type='signal',sender='org.bluez',path='/',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesAdded'",
      `type='signal',sender='org.bluez',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path_namespace='${this.#adapterPath}'`,
    ];
  }

  get scanning(): boolean {
    return this.#scanning;
  }

  start(): Promise<void> {
    return this.#serial(() => this.#start());
  }

  stop(): Promise<void> {
    return this.#serial(() => this.#stop());
  }

  restart(): Promise<void> {
    return this.#serial(async () => {
      await this.#stop();
      await this.#start();
    });
  }

  /** Power-cycles the adapter through Adapter1 `Powered` (BlueZ doc/adapter-api.txt), then starts. */
  resetAdapter(): Promise<void> {
    return this.#serial(async () => {
      await this.#stop();
      const bus = sessionBus(this.#session);
      try {
        const adapter = await untilBusCloses(bus, () =>
          this.#session.bluetooth.getAdapter(this.#adapterName),
        );
        const helper = helperOf(adapter);
        await untilBusCloses(bus, () => helper.set('Powered', typedValue('boolean', false)));
        await untilBusCloses(bus, () => helper.set('Powered', typedValue('boolean', true)));
      } catch (err) {
        throw new HardwareError('BAKEN_ERR_BLE_ADAPTER', `reset ${this.#adapterName}: ${errorText(err)}`, {
          cause: err,
        });
      }
      await this.#start();
    });
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const next = this.#busy.then(fn);
    this.#busy = next.catch(() => undefined);
    return next;
  }

  async #start(): Promise<void> {
    if (this.#scanning) return;
    let adapter: nodeBle.Adapter;
    const bus = sessionBus(this.#session);
    try {
      adapter = await untilBusCloses(bus, () => this.#session.bluetooth.getAdapter(this.#adapterName));
      if (!(await untilBusCloses(bus, () => adapter.isPowered()))) throw new Error('adapter is powered off');
    } catch (err) {
      throw new HardwareError('BAKEN_ERR_BLE_ADAPTER', `adapter ${this.#adapterName}: ${errorText(err)}`, {
        cause: err,
      });
    }
    this.#adapter = adapter;
    if (!this.#rulesAdded) {
      await Promise.all(this.#rules.map((r) => this.#match('AddMatch', r)));
      this.#rulesAdded = true;
    }
    await this.#prime(bus);
    bus.on('message', this.#onMessage);
    bus.on('error', this.#onBusError);
    this.#scanning = true;
    try {
      if (await untilBusCloses(bus, () => adapter.isDiscovering())) {
        // Another client runs discovery; register ours too so its stop does not end our scan.
        await untilBusCloses(bus, () => helperOf(adapter).callMethod('StartDiscovery')).catch(
          () => undefined,
        );
      } else {
        await untilBusCloses(bus, () => adapter.startDiscovery());
      }
    } catch (err) {
      await this.#stop();
      const stuck = (err as { type?: unknown } | null)?.type === 'org.bluez.Error.InProgress';
      throw new HardwareError(
        stuck ? 'BAKEN_ERR_BLE_SCAN_IN_PROGRESS' : 'BAKEN_ERR_BLE_SCAN',
        `start discovery: ${errorText(err)}`,
        { cause: err },
      );
    }
  }

  async #stop(): Promise<void> {
    const wasScanning = this.#scanning;
    this.#scanning = false;
    const bus = sessionBus(this.#session);
    bus.off('message', this.#onMessage);
    bus.off('error', this.#onBusError);
    if (this.#rulesAdded) {
      this.#rulesAdded = false;
      await Promise.all(this.#rules.map((r) => this.#match('RemoveMatch', r).catch(() => undefined)));
    }
    if (!wasScanning) return;
    // BlueZ's discovery is per client; "No discovery started" just means it already ended. A bus
    // that closed (dbus-daemon gone) never answers: stop does not wait for it.
    const adapter = this.#adapter;
    if (adapter) await untilBusCloses(bus, () => adapter.stopDiscovery()).catch(() => undefined);
  }

  async #match(member: 'AddMatch' | 'RemoveMatch', rule: string): Promise<void> {
    const bus = sessionBus(this.#session);
    await untilBusCloses(bus, () =>
      this.#call(bus, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', member, rule),
    );
  }

  /**
   * A method call on node-ble's connection through a proxy its own library copy builds: our code
   * never puts its own `Message`/`Variant` objects on node-ble's bus (DECISIONS.md §1).
   */
  async #call(
    bus: MessageBus,
    dest: string,
    path: string,
    iface: string,
    member: string,
    ...args: unknown[]
  ) {
    const key = `${dest} ${path} ${iface}`;
    let proxy = this.#proxies.get(key);
    if (proxy === undefined) {
      proxy = bus.getProxyObject(dest, path).then((o) => o.getInterface(iface) as unknown as ProxyMethods);
      this.#proxies.set(key, proxy);
      proxy.catch(() => this.#proxies.delete(key));
    }
    const method = (await proxy)[member];
    if (typeof method !== 'function') throw new Error(`${iface}.${member} not found on ${dest}`);
    return method(...args);
  }

  /** Seeds the per-device state (name, last data) from BlueZ's cache so later changes merge. */
  async #prime(bus: MessageBus): Promise<void> {
    const body = await untilBusCloses(bus, () =>
      this.#call(bus, 'org.bluez', '/', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects'),
    );
    const objects = (body ?? {}) as Record<string, Record<string, Props>>;
    for (const [path, ifaces] of Object.entries(objects)) {
      const props = ifaces['org.bluez.Device1'];
      if (props) this.#merge(path, props);
    }
  }

  #handle(msg: Message): void {
    if (!this.#scanning || msg.type !== SIGNAL) return;
    if (msg.interface === 'org.freedesktop.DBus.ObjectManager' && msg.member === 'InterfacesAdded') {
      const [path, ifaces] = msg.body as [string, Record<string, Props>];
      const props = ifaces['org.bluez.Device1'];
      if (!props) return;
      const state = this.#merge(path, props);
      if (state) this.#emitAdvert(state);
    } else if (msg.interface === 'org.freedesktop.DBus.Properties' && msg.member === 'PropertiesChanged') {
      const [iface, changed] = msg.body as [string, Props];
      if (iface === 'org.bluez.Adapter1' && msg.path === this.#adapterPath) {
        if (changed['Discovering']?.value === false || changed['Powered']?.value === false) {
          this.#fail('discovery ended unexpectedly (adapter reset or powered off)');
        }
        return;
      }
      if (iface !== 'org.bluez.Device1') return;
      const state = this.#merge(msg.path, changed);
      if (state && ADVERT_PROPS.some((p) => p in changed)) this.#emitAdvert(state);
    }
  }

  #merge(path: string, props: Props): DeviceState | undefined {
    const address = addressFromDevicePath(this.#adapterName, path);
    if (!address) return undefined;
    let s = this.#devices.get(path);
    if (!s) {
      s = { address, rssi: null, serviceData: new Map(), manufacturerData: new Map() };
      this.#devices.set(path, s);
    }
    const name = props['Name']?.value ?? props['Alias']?.value;
    if (typeof name === 'string' && name !== '') s.name = name;
    const rssi = props['RSSI']?.value;
    if (typeof rssi === 'number') s.rssi = rssi;
    const sd = props['ServiceData']?.value as Record<string, unknown> | undefined;
    if (sd) s.serviceData = new Map(Object.entries(sd).map(([k, v]) => [toServiceDataKey(k), bytes(v)]));
    const md = props['ManufacturerData']?.value as Record<string, unknown> | undefined;
    if (md) s.manufacturerData = new Map(Object.entries(md).map(([k, v]) => [Number(k), bytes(v)]));
    return s;
  }

  #emitAdvert(s: DeviceState): void {
    const advert: BleAdvert = {
      address: s.address,
      rssi: s.rssi,
      serviceData: new Map([...s.serviceData].map(([k, v]) => [k, Uint8Array.from(v)])),
      manufacturerData: new Map([...s.manufacturerData].map(([k, v]) => [k, Uint8Array.from(v)])),
      receivedAt: this.#clock.now(),
    };
    if (s.name !== undefined) advert.name = s.name;
    this.emit('advert', advert);
  }

  /** Discovery died under us: stop listening and let the owner's watchdog `restart()`. */
  #fail(message: string): void {
    if (!this.#scanning) return;
    this.#scanning = false;
    const bus = sessionBus(this.#session);
    bus.off('message', this.#onMessage);
    bus.off('error', this.#onBusError);
    this.emit('error', new HardwareError('BAKEN_ERR_BLE_SCAN', message));
  }
}
