import type { EventEmitter } from 'node:events';

/**
 * A BLE GATT connection to one device (a battery key safe).
 *
 * Contract:
 * - `connect()` resolves when services are resolved; rejects with `BAKEN_ERR_GATT_CONNECT`
 *   (device unknown, out of range). After a disconnect BlueZ may drop the device: a reconnect
 *   needs a fresh discovery first, which the binding does itself.
 * - `read(service, characteristic)` / `write(service, characteristic, bytes)` operate on UUIDs in
 *   lower-case canonical 128-bit form; they reject with `disconnected: true` when the link is gone.
 * - `subscribe(service, characteristic)` turns notifications on; each notification emits
 *   `'notify'` with the characteristic UUID and value, in order.
 * - `disconnect()` on purpose emits `'disconnect'` with `{ remote: false }`; a link loss emits it
 *   with `{ remote: true }`. Pending operations reject with `disconnected: true`.
 */
export interface GattLinkEvents {
  notify: [characteristic: string, value: Uint8Array];
  disconnect: [info: { remote: boolean }];
  error: [err: Error];
}

export interface GattLink extends EventEmitter<GattLinkEvents> {
  readonly address: string;
  readonly connected: boolean;
  connect(): Promise<void>;
  services(): Promise<string[]>;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  write(service: string, characteristic: string, value: Uint8Array): Promise<void>;
  subscribe(service: string, characteristic: string): Promise<void>;
  disconnect(): Promise<void>;
}
