import type { EventEmitter } from 'node:events';
import * as lib from 'dbus-next';

/**
 * The D-Bus library for our own connections (the BlueZ stand-in) and its types. `dbus-next` is an
 * alias for the maintained fork chosen in hardware/src/ble/DECISIONS.md §1. The package has a
 * CommonJS and an ES module build, so this copy is not the one node-ble `require`s: nothing here
 * may be put on node-ble's connection (the scanner goes through node-ble's proxies and typed values).
 */
export const { Variant, Message, DBusError, MessageType, NameFlag, RequestNameReply } = lib;
export const sessionBus = lib.sessionBus as (opts?: lib.SessionBusOptions) => MessageBus;
export const Interface = lib.interface.Interface;

export type Variant<T = unknown> = lib.Variant<T>;
export type Message = lib.Message;
export type DBusError = lib.DBusError;
/** The bus also emits `'error'` (connection lost, bad reply), which the library's typings leave out. */
export type MessageBus = lib.MessageBus & EventEmitter;
export type Interface = lib.Interface;

const MEMBER_BAGS = ['$properties', '$methods', '$signals'] as const;

/**
 * Base for service interfaces declared with `configureMembers` (the stand-in's). That call stores
 * the members on the class prototype, but the library's constructor (0.11.3) also defines
 * `$properties`/`$methods`/`$signals` as own fields set to `undefined`, which hide the prototype's:
 * the object would introspect with no members and reject every call. Dropping those empty own
 * fields lets the configured members show through (DECISIONS.md §1).
 */
export class ConfiguredInterface extends Interface {
  constructor(name: string) {
    super(name);
    const own = this as unknown as Record<string, unknown>;
    for (const bag of MEMBER_BAGS) if (Object.hasOwn(own, bag) && own[bag] === undefined) delete own[bag];
  }
}
