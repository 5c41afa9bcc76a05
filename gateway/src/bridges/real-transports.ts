import type { BleScanner, Clock, GattLink, SerialLink } from '@baken/hardware';
import type { NodeBleSession } from '@baken/hardware/ble/node-ble-session';
import type { GatewayTransports } from '../gateway.js';

/**
 * The real bindings, for the daemon (`main.ts`) and the CLI's `pair` and `check`: serialport, and
 * node-ble on the system D-Bus. Each library is imported on first use only (a unit without pendants
 * or BLE key safes never loads node-ble/dbus-next, ~12 MB of RSS on a Pi Zero 2 W; a BLE-only unit
 * never loads serialport), and the D-Bus session is opened on first use. No system bus (or a broken
 * `DBUS_SYSTEM_BUS_ADDRESS`) makes the BLE factories reject with `BAKEN_ERR_BLE_ADAPTER` instead of
 * crashing the process; the next call tries again. `close()` ends the BLE session if one was opened.
 */
export function openRealTransports(
  clock: Clock,
  opts: { busAddress?: string } = {},
): { transports: GatewayTransports; close(): void } {
  let session: Promise<NodeBleSession> | undefined;
  let opened: NodeBleSession | undefined;
  let closed = false;
  const ble = (): Promise<NodeBleSession> => {
    session ??= import('@baken/hardware/ble/node-ble-session')
      .then((m) => m.connectNodeBle(opts.busAddress === undefined ? {} : { busAddress: opts.busAddress }))
      .then((s) => {
        if (closed) s.destroy();
        opened = s;
        return s;
      });
    // a failed open is not cached: the bridge's watchdog may try again (bluetoothd/dbus restarted)
    session.catch(() => {
      session = undefined;
    });
    return session;
  };
  let scanner: Promise<BleScanner> | undefined;
  return {
    transports: {
      openSerial: async (o): Promise<SerialLink> => {
        const { SerialPortLink } = await import('@baken/hardware/serial/serial-port-link');
        // the presence probe catches an unplugged USB adapter that serialport never reports
        return new SerialPortLink({ ...o, clock });
      },
      openGatt: async (address): Promise<GattLink> => {
        const [s, { NodeBleGattLink }] = await Promise.all([
          ble(),
          import('@baken/hardware/ble/node-ble-gatt-link'),
        ]);
        return new NodeBleGattLink({ session: s, clock, address });
      },
      openBleScanner: () => {
        scanner ??= Promise.all([ble(), import('@baken/hardware/ble/node-ble-scanner')]).then(
          ([s, { NodeBleScanner }]) => new NodeBleScanner({ session: s, clock }),
        );
        scanner.catch(() => {
          scanner = undefined;
        });
        return scanner;
      },
    },
    close: () => {
      closed = true;
      opened?.destroy();
    },
  };
}
