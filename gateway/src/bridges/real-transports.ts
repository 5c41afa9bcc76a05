import type { Clock, GattLink } from '@baken/hardware';
import { NodeBleGattLink } from '@baken/hardware/ble/node-ble-gatt-link';
import { NodeBleScanner } from '@baken/hardware/ble/node-ble-scanner';
import { type NodeBleSession, openNodeBle } from '@baken/hardware/ble/node-ble-session';
import { SerialPortLink } from '@baken/hardware/serial/serial-port-link';
import type { GatewayTransports } from '../gateway.js';

/**
 * The real bindings for the CLI's `pair` and `check` (the daemon's are chosen in `main.ts` the same
 * way): serialport, and node-ble on the system D-Bus opened on first use only, so a unit without
 * BlueZ can still pair a wired key safe. `close()` ends the BLE session if one was opened.
 */
export function openRealTransports(clock: Clock): { transports: GatewayTransports; close(): void } {
  let session: NodeBleSession | undefined;
  const ble = (): NodeBleSession => {
    session ??= openNodeBle();
    return session;
  };
  let scanner: NodeBleScanner | undefined;
  return {
    transports: {
      openSerial: (o) => new SerialPortLink(o),
      openGatt: (address): GattLink => new NodeBleGattLink({ session: ble(), clock, address }),
      openBleScanner: () => {
        scanner ??= new NodeBleScanner({ session: ble(), clock });
        return scanner;
      },
    },
    close: () => session?.destroy(),
  };
}
