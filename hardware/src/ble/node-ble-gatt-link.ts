import { EventEmitter } from 'node:events';
import type nodeBle from 'node-ble';
import type { Clock } from '../clock.js';
import { HardwareError } from '../errors.js';
import type { GattLink, GattLinkEvents } from '../gatt-link.js';
import { errorText, helperOf, type NodeBleSession } from './node-ble-session.js';
import { PendingOps } from './pending-ops.js';
import { normalizeAddress, toUuid128 } from './uuid.js';

export interface NodeBleGattLinkOptions {
  session: NodeBleSession;
  clock: Clock;
  address: string;
  /** BlueZ adapter name; default `hci0`. */
  adapter?: string;
  /** How long `connect()` runs discovery to find a device BlueZ has dropped; default 10 s. */
  discoveryTimeoutMs?: number;
  /** Poll period while waiting for the device to reappear; default 100 ms. */
  discoveryPollMs?: number;
  /** Upper bound for Connect + service resolution; default 15 s. */
  connectTimeoutMs?: number;
}

/**
 * `GattLink` over node-ble: Adapter → Device → GattServer → GattService → GattCharacteristic.
 * A device BlueZ no longer knows (after a link loss) is found again by a short discovery.
 * Link loss is node-ble's Device `'disconnect'` (Device1 `Connected` → false) when we did not ask
 * for it. Contract: see `GattLink`.
 */
export class NodeBleGattLink extends EventEmitter<GattLinkEvents> implements GattLink {
  readonly address: string;
  readonly #o: Required<Omit<NodeBleGattLinkOptions, 'address'>>;
  readonly #pending = new PendingOps();
  readonly #chars = new Map<string, nodeBle.GattCharacteristic>();
  #device: nodeBle.Device | undefined;
  #gatt: nodeBle.GattServer | undefined;
  #closing = false;

  constructor(opts: NodeBleGattLinkOptions) {
    super();
    this.address = normalizeAddress(opts.address);
    this.#o = {
      session: opts.session,
      clock: opts.clock,
      adapter: opts.adapter ?? 'hci0',
      discoveryTimeoutMs: opts.discoveryTimeoutMs ?? 10_000,
      discoveryPollMs: opts.discoveryPollMs ?? 100,
      connectTimeoutMs: opts.connectTimeoutMs ?? 15_000,
    };
  }

  get connected(): boolean {
    return this.#gatt !== undefined;
  }

  async connect(): Promise<void> {
    if (this.#gatt) return;
    let device: nodeBle.Device | undefined;
    try {
      const adapter = await this.#o.session.bluetooth.getAdapter(this.#o.adapter);
      device = await this.#findDevice(adapter);
      this.#closing = false;
      device.on('disconnect', this.#onDeviceDisconnect);
      const gatt = await this.#withTimeout(
        (async () => {
          await device.connect();
          return device.gatt();
        })(),
        this.#o.connectTimeoutMs,
      );
      this.#device = device;
      this.#gatt = gatt;
    } catch (err) {
      if (device) this.#release(device);
      if (err instanceof HardwareError) throw err;
      throw new HardwareError('BAKEN_ERR_GATT_CONNECT', `connect ${this.address}: ${errorText(err)}`, {
        cause: err,
      });
    }
  }

  async services(): Promise<string[]> {
    return this.#live().services();
  }

  read(service: string, characteristic: string): Promise<Uint8Array> {
    return this.#op(service, characteristic, async (c) => Uint8Array.from(await c.readValue()));
  }

  write(service: string, characteristic: string, value: Uint8Array): Promise<void> {
    const buf = Buffer.from(value);
    return this.#op(service, characteristic, (c) => c.writeValue(buf, { type: 'request' }));
  }

  async subscribe(service: string, characteristic: string): Promise<void> {
    const uuid = toUuid128(characteristic);
    await this.#op(service, characteristic, async (c) => {
      if (c.listenerCount('valuechanged') === 0) {
        c.on('valuechanged', (buf: Buffer) => {
          if (this.#gatt) this.emit('notify', uuid, Uint8Array.from(buf));
        });
      }
      await c.startNotifications();
    });
  }

  async disconnect(): Promise<void> {
    const device = this.#device;
    if (!device || !this.#gatt) return;
    this.#closing = true;
    try {
      await device.disconnect();
    } catch {
      // Already gone: the link is down either way.
    }
    this.#teardown(false);
  }

  readonly #onDeviceDisconnect = (): void => {
    if (!this.#closing) this.#teardown(true);
  };

  async #findDevice(adapter: nodeBle.Adapter): Promise<nodeBle.Device> {
    const tryGet = (): Promise<nodeBle.Device | undefined> =>
      adapter.getDevice(this.address).catch((err: unknown) => {
        if (errorText(err).includes('Device not found')) return undefined;
        throw err;
      });
    const known = await tryGet();
    if (known) return known;
    // [GattLink contract] BlueZ dropped the device after a link loss: rediscover it ourselves.
    const helper = helperOf(adapter);
    await helper.callMethod('StartDiscovery');
    try {
      const deadline = this.#o.clock.monotonic() + this.#o.discoveryTimeoutMs;
      for (;;) {
        const d = await tryGet();
        if (d) return d;
        if (this.#o.clock.monotonic() >= deadline) {
          throw new HardwareError(
            'BAKEN_ERR_GATT_CONNECT',
            `device ${this.address} not found (out of range)`,
          );
        }
        await this.#o.clock.sleep(this.#o.discoveryPollMs);
      }
    } finally {
      await helper.callMethod('StopDiscovery').catch(() => undefined);
    }
  }

  #withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = this.#o.clock.setTimeout(
        () => reject(new HardwareError('BAKEN_ERR_GATT_CONNECT', `connect ${this.address} timed out`)),
        ms,
        { unref: true },
      );
      p.then(
        (v) => {
          this.#o.clock.clearTimeout(t);
          resolve(v);
        },
        (e: unknown) => {
          this.#o.clock.clearTimeout(t);
          reject(e);
        },
      );
    });
  }

  #live(): nodeBle.GattServer {
    if (!this.#gatt) {
      throw new HardwareError('BAKEN_ERR_GATT_CLOSED', `not connected to ${this.address}`, {
        disconnected: true,
      });
    }
    return this.#gatt;
  }

  async #characteristic(service: string, characteristic: string): Promise<nodeBle.GattCharacteristic> {
    const key = `${toUuid128(service)}/${toUuid128(characteristic)}`;
    const cached = this.#chars.get(key);
    if (cached) return cached;
    const s = await this.#live().getPrimaryService(toUuid128(service));
    const c = await s.getCharacteristic(toUuid128(characteristic));
    this.#chars.set(key, c);
    return c;
  }

  #op<T>(
    service: string,
    characteristic: string,
    run: (c: nodeBle.GattCharacteristic) => Promise<T>,
  ): Promise<T> {
    try {
      this.#live();
    } catch (err) {
      return Promise.reject(err);
    }
    const op = (async () => {
      try {
        return await run(await this.#characteristic(service, characteristic));
      } catch (err) {
        if (err instanceof HardwareError) throw err;
        if (!this.#gatt || errorText(err).includes('Not connected')) {
          throw new HardwareError('BAKEN_ERR_GATT_CLOSED', `link to ${this.address} lost`, {
            disconnected: true,
            cause: err,
          });
        }
        throw new HardwareError('BAKEN_ERR_GATT_IO', `${characteristic}: ${errorText(err)}`, { cause: err });
      }
    })();
    return this.#pending.track(op);
  }

  /** Drops node-ble's listeners on objects we no longer use (they hold D-Bus signal handlers). */
  #release(device: nodeBle.Device): void {
    device.off('disconnect', this.#onDeviceDisconnect);
    helperOf(device).removeListeners();
    for (const c of this.#chars.values()) {
      c.removeAllListeners('valuechanged');
      helperOf(c).removeListeners();
    }
    this.#chars.clear();
  }

  #teardown(remote: boolean): void {
    const device = this.#device;
    if (!device || !this.#gatt) return;
    this.#gatt = undefined;
    this.#device = undefined;
    this.#release(device);
    this.#pending.rejectAll(
      () =>
        new HardwareError('BAKEN_ERR_GATT_CLOSED', `link to ${this.address} closed`, {
          disconnected: true,
          canceled: !remote,
        }),
    );
    this.emit('disconnect', { remote });
  }
}
