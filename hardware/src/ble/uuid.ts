/**
 * UUID and address helpers shared by the BLE bindings.
 *
 * Bluetooth Core Spec Vol 3 Part B §2.5.1: a 16-bit UUID `xxxx` is the 128-bit UUID
 * `0000xxxx-0000-1000-8000-00805f9b34fb`. BlueZ always reports 128-bit UUIDs.
 */
const BASE_SUFFIX = '-0000-1000-8000-00805f9b34fb';
const UUID128 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHORT = /^(?:[0-9a-f]{4}|[0-9a-f]{8})$/;
const ADDRESS = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;

/** Canonical lower-case 128-bit form of a 16-, 32- or 128-bit UUID. Throws on anything else. */
export function toUuid128(uuid: string): string {
  const u = uuid.trim().toLowerCase();
  if (UUID128.test(u)) return u;
  if (SHORT.test(u)) return `${u.padStart(8, '0')}${BASE_SUFFIX}`;
  throw new TypeError(`not a Bluetooth UUID: '${uuid}'`);
}

/**
 * Service-data key as the `BleScanner` contract wants it: a UUID on the Bluetooth base becomes
 * its 4-hex-digit 16-bit form (`'fcd2'`), anything else stays 128-bit lower case.
 */
export function toServiceDataKey(uuid: string): string {
  const u = toUuid128(uuid);
  if (u.startsWith('0000') && u.endsWith(BASE_SUFFIX)) return u.slice(4, 8);
  return u;
}

/** `AA:BB:CC:DD:EE:FF` in upper case; throws when `address` is not a MAC address. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toUpperCase();
  if (!ADDRESS.test(a)) throw new TypeError(`not a Bluetooth address: '${address}'`);
  return a;
}

/** BlueZ object path of a device: `/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF` (BlueZ doc/device-api.txt). */
export function devicePath(adapter: string, address: string): string {
  return `/org/bluez/${adapter}/dev_${normalizeAddress(address).replace(/:/g, '_')}`;
}

/** Inverse of `devicePath` for paths directly below `/org/bluez/<adapter>`; `undefined` otherwise. */
export function addressFromDevicePath(adapter: string, path: string): string | undefined {
  const prefix = `/org/bluez/${adapter}/dev_`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (!/^[0-9A-F]{2}(?:_[0-9A-F]{2}){5}$/.test(rest)) return undefined;
  return rest.replace(/_/g, ':');
}
