import { EventEmitter } from 'node:events';
import type {
  GatewayConfigPayload,
  MqttCommandKind,
  MqttCommandStatus,
  MqttDeviceKind,
  EventPriority as MqttEventPriority,
} from '@baken/protocols';

/** A device kind the gateway bridges (the registry's kinds). */
export type DeviceKind = 'pendant' | 'keysafe';

/** `'alarm'` entries are never dropped or coalesced by the outbox [MQTT-MAP §4.1.1]. */
export type EventPriority = MqttEventPriority;

/**
 * A decoded device event, emitted by a bridge. The outbox writer persists it BEFORE anything else
 * happens with it; the envelope (`v`, `gatewayId`) is added there.
 */
export interface DeviceEvent {
  /** Event id the server deduplicates by; a bridge may set a deterministic one (e.g. audit entry). */
  id?: string;
  /** For `deviceKind: 'gateway'` the gateway id itself. */
  deviceId: string;
  deviceKind: MqttDeviceKind;
  /**
   * The topic map's vocabulary [MQTT-MAP §4.1.2–4.1.4]: `alarm`, `cancel`, `fall`, `battery`,
   * `door_opened`, `audit_records`, …; `data` must match that kind's schema.
   */
  kind: string;
  /** Use `defaultEventPriority(deviceKind, kind)` from `@baken/protocols` unless you know better. */
  priority: EventPriority;
  /** Device's own timestamp (ms since epoch) when it has one, else `null`. */
  deviceTime: number | null;
  /** Gateway clock when the bytes arrived (ms since epoch). */
  receivedAt: number;
  /** Device sequence / counter when the protocol carries one. */
  seq?: number;
  data: Record<string, unknown>;
  /**
   * Status-like events (battery level, link state) set this to be coalesced in the outbox: only the
   * newest entry with the same key is kept. Ignored for alarms.
   */
  coalesceKey?: string;
}

/** A command from the server, relayed unchanged to the key-safe bridge [MQTT-MAP §4.5]. */
export interface CommandRequest {
  transaction: string;
  deviceId: string;
  kind: MqttCommandKind;
  /** ms since epoch (server time); after it the device must not act and the answer is `timeout`. */
  expiresAt: number;
  /** The server-authenticated frame; the gateway never holds key-safe keys and cannot alter it. */
  frameHex?: string;
  params?: Record<string, string | number | boolean>;
}

export type CommandStatus = MqttCommandStatus;

export interface CommandResult {
  transaction: string;
  status: CommandStatus;
  reason?: string;
  responseHex?: string;
}

export type LinkState = 'unknown' | 'connecting' | 'up' | 'down' | 'stale';

export interface LinkStateChange {
  deviceId: string;
  deviceKind: DeviceKind;
  state: LinkState;
  reason?: string;
}

export type UplinkPath = 'primary' | 'secondary';

export interface UplinkStateChange {
  connected: boolean;
  path: UplinkPath;
}

/**
 * The server's retained `config` [MQTT-MAP §4.7] (heartbeat interval, pendants and key safes with
 * their transport). Emitted only for a revision newer than the one running. Holds pendant advert
 * keys: never log it whole.
 */
export type ServerConfig = Omit<GatewayConfigPayload, 'v'>;

/**
 * An outbox entry just committed to disk (the gateway forwards the outbox's `insert`). Emitted only
 * once the entry is durable: the pendant acknowledgement waits for it [PENDANT SPEC §7].
 */
export interface CommittedEntry {
  id: string;
  /** Topic suffix (`'events'`, `'heartbeat'`, …); `payload` is its JSON text. */
  topic: string;
  payload: string;
}

/** Every event on the bus and its argument tuple. Adding an event here types it everywhere. */
export interface GatewayEvents {
  'device-event': [event: DeviceEvent];
  command: [request: CommandRequest];
  'command-result': [result: CommandResult];
  'link-state': [change: LinkStateChange];
  'uplink-state': [change: UplinkStateChange];
  'server-config': [config: ServerConfig];
  'event-committed': [entry: CommittedEntry];
}

/**
 * The typed event bus where extensions meet (zigbee2mqtt's pattern). Listeners run synchronously in
 * registration order; a listener that throws is isolated and reported through `onListenerError` so
 * one broken bridge cannot stop the outbox writer from seeing an alarm.
 */
export class GatewayBus {
  readonly #emitter = new EventEmitter();
  readonly #onListenerError: (event: string, err: unknown) => void;

  constructor(onListenerError: (event: string, err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
    this.#emitter.setMaxListeners(50);
  }

  on<K extends keyof GatewayEvents>(event: K, listener: (...args: GatewayEvents[K]) => void): () => void {
    const wrapped = (...args: unknown[]): void => {
      try {
        listener(...(args as GatewayEvents[K]));
      } catch (err) {
        this.#onListenerError(event, err);
      }
    };
    this.#emitter.on(event, wrapped);
    return () => {
      this.#emitter.off(event, wrapped);
    };
  }

  emit<K extends keyof GatewayEvents>(event: K, ...args: GatewayEvents[K]): void {
    this.#emitter.emit(event, ...args);
  }

  listenerCount(event: keyof GatewayEvents): number {
    return this.#emitter.listenerCount(event);
  }
}
