import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as DBusLib from 'dbus-next';

/**
 * The D-Bus library, loaded as the SAME CommonJS instance node-ble loads (`require('dbus-next')`).
 * The package ships a CommonJS and an ES module build; an ES `import` would load a second copy
 * whose `Variant`/`Message` classes fail `instanceof` against what node-ble's bus produces.
 * `dbus-next` is an alias for the maintained fork chosen in hardware/src/ble/DECISIONS.md §1.
 */
const lib = createRequire(import.meta.url)('dbus-next') as typeof DBusLib;

export const { Variant, Message, DBusError, MessageType, NameFlag, RequestNameReply } = lib;
export const sessionBus = lib.sessionBus as (opts?: DBusLib.SessionBusOptions) => MessageBus;
export const Interface = lib.interface.Interface;

export type Variant<T = unknown> = DBusLib.Variant<T>;
export type Message = DBusLib.Message;
export type DBusError = DBusLib.DBusError;
/** The bus also emits `'error'` (connection lost, bad reply), which the library's typings leave out. */
export type MessageBus = DBusLib.MessageBus & EventEmitter;
export type Interface = DBusLib.Interface;

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
