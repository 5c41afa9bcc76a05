import type { MessageBus } from 'dbus-next';
import nodeBle from 'node-ble';

export type NodeBleSession = ReturnType<typeof nodeBle.createBluetooth>;

/**
 * Opens node-ble's BlueZ session on the system bus. `busAddress` overrides
 * `DBUS_SYSTEM_BUS_ADDRESS` for this session only (the BlueZ stand-in in tests and the demo).
 * The owner calls `destroy()` after closing every scanner and link built on it.
 */
export function openNodeBle(opts: { busAddress?: string } = {}): NodeBleSession {
  if (opts.busAddress === undefined) return nodeBle.createBluetooth();
  const saved = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
  process.env['DBUS_SYSTEM_BUS_ADDRESS'] = opts.busAddress;
  try {
    return nodeBle.createBluetooth();
  } finally {
    if (saved === undefined) delete process.env['DBUS_SYSTEM_BUS_ADDRESS'];
    else process.env['DBUS_SYSTEM_BUS_ADDRESS'] = saved;
  }
}

/** The dbus-next connection node-ble uses (`Bluetooth.dbus`), for signals node-ble has no event for. */
export function sessionBus(session: NodeBleSession): MessageBus {
  return (session.bluetooth as unknown as { dbus: MessageBus }).dbus;
}

/** node-ble's internal `BusHelper` of an Adapter/Device/Characteristic (node-ble/src/BusHelper.js). */
export interface NodeBleHelper {
  callMethod(name: string, ...args: unknown[]): Promise<unknown>;
  removeListeners(): void;
}

export function helperOf(obj: object): NodeBleHelper {
  return (obj as { helper: NodeBleHelper }).helper;
}

/** Text of an error from node-ble or dbus-next (`DBusError.text` or `message`). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { text?: unknown; type?: unknown; message?: unknown };
    return [e.type, e.text ?? e.message].filter((x) => typeof x === 'string').join(': ');
  }
  return String(err);
}
