/**
 * How a simulated GATT peripheral is described, shared by the in-memory `MockGattPeripheral` and
 * the BlueZ stand-in so the device simulator implements a key safe once for both.
 */
export interface GattCharacteristicSpec {
  /** 16-bit or 128-bit UUID; stored in canonical 128-bit lower-case form. */
  uuid: string;
  /**
   * BlueZ characteristic flags (doc/gatt-api.txt: `read`, `write`, `write-without-response`,
   * `notify`, `indicate`). Default: derived from which handlers are present, plus `notify`.
   */
  flags?: string[];
  /** Answers a read. Throwing (or rejecting) fails the read with `BAKEN_ERR_GATT_IO`. */
  onRead?: () => Uint8Array | Promise<Uint8Array>;
  /** Takes a write. Throwing (or rejecting) fails the write with `BAKEN_ERR_GATT_IO`. */
  onWrite?: (value: Uint8Array) => void | Promise<void>;
}

export interface GattServiceSpec {
  uuid: string;
  characteristics: GattCharacteristicSpec[];
}

/** Default flags for a characteristic spec (see `GattCharacteristicSpec.flags`). */
export function characteristicFlags(spec: GattCharacteristicSpec): string[] {
  if (spec.flags) return [...spec.flags];
  const flags: string[] = [];
  if (spec.onRead) flags.push('read');
  if (spec.onWrite) flags.push('write');
  flags.push('notify');
  return flags;
}
