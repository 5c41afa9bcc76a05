/** Error codes of the hardware layer (ARCHITECTURE.md, house rule 5). */
export type HardwareErrorCode =
  | 'BAKEN_ERR_SERIAL_OPEN'
  | 'BAKEN_ERR_SERIAL_WRITE'
  | 'BAKEN_ERR_SERIAL_CLOSED'
  | 'BAKEN_ERR_BLE_ADAPTER'
  | 'BAKEN_ERR_BLE_SCAN'
  /** BlueZ refused StartDiscovery with `org.bluez.Error.InProgress`: its discovery state is stuck. */
  | 'BAKEN_ERR_BLE_SCAN_IN_PROGRESS'
  | 'BAKEN_ERR_GATT_CONNECT'
  | 'BAKEN_ERR_GATT_IO'
  | 'BAKEN_ERR_GATT_CLOSED';

/**
 * Base error of the hardware layer. Flags follow node-serialport: `canceled` when our own
 * `close()`/`disconnect()` cut the operation short, `disconnected` when the device or cable went away.
 */
export class HardwareError extends Error {
  readonly code: HardwareErrorCode;
  readonly canceled: boolean;
  readonly disconnected: boolean;
  constructor(
    code: HardwareErrorCode,
    message: string,
    flags: { canceled?: boolean; disconnected?: boolean; cause?: unknown } = {},
  ) {
    super(message, flags.cause === undefined ? undefined : { cause: flags.cause });
    this.name = 'HardwareError';
    this.code = code;
    this.canceled = flags.canceled ?? false;
    this.disconnected = flags.disconnected ?? false;
  }
}
