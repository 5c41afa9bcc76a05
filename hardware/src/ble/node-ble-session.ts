import nodeBle from 'node-ble';
import { HardwareError } from '../errors.js';
import type { MessageBus } from './dbus.js';

export type NodeBleSession = ReturnType<typeof nodeBle.createBluetooth>;

/** Settles when the session's bus has connected (Hello answered) or failed. */
const readiness = new WeakMap<NodeBleSession, Promise<void>>();

function create(): NodeBleSession {
  try {
    return nodeBle.createBluetooth();
  } catch (err) {
    // the D-Bus library throws a TypeError for an unparsable DBUS_SYSTEM_BUS_ADDRESS
    throw new HardwareError('BAKEN_ERR_BLE_ADAPTER', `system D-Bus: ${errorText(err)}`, { cause: err });
  }
}

/**
 * Opens node-ble's BlueZ session on the system bus. `busAddress` overrides
 * `DBUS_SYSTEM_BUS_ADDRESS` for this session only (the BlueZ stand-in in tests and the demo).
 * The owner calls `destroy()` after closing every scanner and link built on it.
 *
 * Never crashes the process: a bus that cannot be reached (no system D-Bus, socket missing) would
 * make the D-Bus library emit an unhandled `error` on its `MessageBus`; it is caught here and surfaces as
 * `nodeBleReady()` rejecting with `BAKEN_ERR_BLE_ADAPTER` (node-ble's own calls on such a session
 * never settle, so owners should await `connectNodeBle` instead). An unparsable address throws
 * `BAKEN_ERR_BLE_ADAPTER` synchronously.
 */
export function openNodeBle(opts: { busAddress?: string } = {}): NodeBleSession {
  let session: NodeBleSession;
  if (opts.busAddress === undefined) session = create();
  else {
    const saved = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
    process.env['DBUS_SYSTEM_BUS_ADDRESS'] = opts.busAddress;
    try {
      session = create();
    } finally {
      if (saved === undefined) delete process.env['DBUS_SYSTEM_BUS_ADDRESS'];
      else process.env['DBUS_SYSTEM_BUS_ADDRESS'] = saved;
    }
  }
  const bus = sessionBus(session);
  const ready = new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    // stays attached: a later bus failure (dbus-daemon restarted) must not crash the process either
    bus.on('error', (err: unknown) => {
      reject(new HardwareError('BAKEN_ERR_BLE_ADAPTER', `system D-Bus: ${errorText(err)}`, { cause: err }));
    });
  });
  ready.catch(() => {}); // observed through nodeBleReady(); never an unhandled rejection
  readiness.set(session, ready);
  return session;
}

/** Resolves once the session's bus is connected; rejects with `BAKEN_ERR_BLE_ADAPTER` if it cannot be. */
export function nodeBleReady(session: NodeBleSession): Promise<void> {
  return readiness.get(session) ?? Promise.resolve();
}

/**
 * `openNodeBle` and wait until the bus is connected. Rejects with `BAKEN_ERR_BLE_ADAPTER` (and
 * destroys the session) when there is no usable system D-Bus.
 */
export async function connectNodeBle(opts: { busAddress?: string } = {}): Promise<NodeBleSession> {
  const session = openNodeBle(opts);
  try {
    await nodeBleReady(session);
  } catch (err) {
    try {
      session.destroy();
    } catch {
      // the connection never came up; nothing to close
    }
    throw err;
  }
  return session;
}

/** The D-Bus connection node-ble uses (`Bluetooth.dbus`), for signals node-ble has no event for. */
export function sessionBus(session: NodeBleSession): MessageBus {
  return (session.bluetooth as unknown as { dbus: MessageBus }).dbus;
}

/** node-ble's internal `BusHelper` of an Adapter/Device/Characteristic (node-ble/src/BusHelper.js). */
export interface NodeBleHelper {
  callMethod(name: string, ...args: unknown[]): Promise<unknown>;
  /** `org.freedesktop.DBus.Properties.Set` on the object's interface; `value` is a `Variant`. */
  set(name: string, value: unknown): Promise<void>;
  removeListeners(): void;
}

export function helperOf(obj: object): NodeBleHelper {
  return (obj as { helper: NodeBleHelper }).helper;
}

/** Text of an error from node-ble or the D-Bus library (`DBusError.text` or `message`). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { text?: unknown; type?: unknown; message?: unknown };
    return [e.type, e.text ?? e.message].filter((x) => typeof x === 'string').join(': ');
  }
  return String(err);
}
