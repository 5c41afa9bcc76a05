import { EventEmitter } from 'node:events';
import { HardwareError } from '../errors.js';
import type { GattLink, GattLinkEvents } from '../gatt-link.js';
import type { MockBleAir } from './mock-ble-scanner.js';
import type { MockGattPeripheral } from './mock-gatt-peripheral.js';
import { PendingOps } from './pending-ops.js';
import { normalizeAddress, toUuid128 } from './uuid.js';

export type MockGattLinkTarget = MockGattPeripheral | { address: string; air: MockBleAir };

/**
 * In-memory `GattLink` to a `MockGattPeripheral`. Contract: see `GattLink`. Handlers run after a
 * microtask so callers see the same asynchrony as the real binding.
 */
export class MockGattLink extends EventEmitter<GattLinkEvents> implements GattLink {
  readonly address: string;
  readonly #resolve: () => MockGattPeripheral | undefined;
  readonly #pending = new PendingOps();
  readonly #subscribed = new Set<string>();
  #peer: MockGattPeripheral | undefined;
  #onNotify = (service: string, characteristic: string, value: Uint8Array): void => {
    if (this.#subscribed.has(`${service}/${characteristic}`)) this.emit('notify', characteristic, value);
  };
  #onLinkLost = (): void => this.#teardown(true);

  constructor(target: MockGattLinkTarget) {
    super();
    if ('air' in target) {
      const { air } = target;
      this.address = normalizeAddress(target.address);
      this.#resolve = () => air.peripheral(this.address);
    } else {
      this.address = target.address;
      this.#resolve = () => target;
    }
  }

  get connected(): boolean {
    return this.#peer !== undefined;
  }

  async connect(): Promise<void> {
    if (this.#peer) return;
    await Promise.resolve();
    const peer = this.#resolve();
    if (!peer?._attach()) {
      throw new HardwareError('BAKEN_ERR_GATT_CONNECT', `device ${this.address} not found or out of range`);
    }
    this.#peer = peer;
    peer.on('notify', this.#onNotify);
    peer.on('linkLost', this.#onLinkLost);
  }

  async services(): Promise<string[]> {
    return this.#live().serviceUuids();
  }

  read(service: string, characteristic: string): Promise<Uint8Array> {
    return this.#op(service, characteristic, 'read', async (c) => {
      if (!c.onRead) throw new Error('no read handler');
      return Uint8Array.from(await c.onRead());
    });
  }

  write(service: string, characteristic: string, value: Uint8Array): Promise<void> {
    const copy = Uint8Array.from(value);
    return this.#op(service, characteristic, 'write', async (c) => {
      if (!c.onWrite) throw new Error('no write handler');
      await c.onWrite(copy);
    });
  }

  async subscribe(service: string, characteristic: string): Promise<void> {
    await this.#op(service, characteristic, 'notify', async () => undefined);
    this.#subscribed.add(`${toUuid128(service)}/${toUuid128(characteristic)}`);
  }

  async disconnect(): Promise<void> {
    if (!this.#peer) return;
    this.#peer._detach();
    this.#teardown(false);
  }

  #live(): MockGattPeripheral {
    if (!this.#peer) {
      throw new HardwareError('BAKEN_ERR_GATT_CLOSED', `not connected to ${this.address}`, {
        disconnected: true,
      });
    }
    return this.#peer;
  }

  async #op<T>(
    service: string,
    characteristic: string,
    flag: string,
    run: (c: NonNullable<ReturnType<MockGattPeripheral['characteristic']>>) => Promise<T>,
  ): Promise<T> {
    const peer = this.#live();
    const c = peer.characteristic(service, characteristic);
    if (!c?.flags.some((f) => f === flag || (flag === 'write' && f === 'write-without-response'))) {
      throw new HardwareError('BAKEN_ERR_GATT_IO', `${flag} not supported on ${service}/${characteristic}`);
    }
    const op = (async () => {
      await Promise.resolve();
      try {
        return await run(c);
      } catch (err) {
        if (err instanceof HardwareError) throw err;
        throw new HardwareError('BAKEN_ERR_GATT_IO', `${flag} failed on ${characteristic}`, { cause: err });
      }
    })();
    return this.#pending.track(op);
  }

  #teardown(remote: boolean): void {
    const peer = this.#peer;
    if (!peer) return;
    this.#peer = undefined;
    this.#subscribed.clear();
    peer.off('notify', this.#onNotify);
    peer.off('linkLost', this.#onLinkLost);
    this.#pending.rejectAll(
      () =>
        // [gatt-link.ts contract] pending operations reject with disconnected: true either way;
        // canceled marks our own disconnect.
        new HardwareError('BAKEN_ERR_GATT_CLOSED', `link to ${this.address} closed`, {
          disconnected: true,
          canceled: !remote,
        }),
    );
    this.emit('disconnect', { remote });
  }
}
