import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeviceEvent, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from './outbox.js';

/** The `events` payload (gw → server, QoS 1), as in the protocols topic map. */
export interface EventEnvelope {
  v: 1;
  id: string;
  gatewayId: string;
  deviceId: string;
  deviceKind: DeviceEvent['deviceKind'];
  kind: string;
  priority: DeviceEvent['priority'];
  deviceTime: number | null;
  receivedAt: number;
  seq?: number;
  data: Record<string, unknown>;
}

export function toEnvelope(gatewayId: string, event: DeviceEvent, id: string): EventEnvelope {
  const env: EventEnvelope = {
    v: 1,
    id,
    gatewayId,
    deviceId: event.deviceId,
    deviceKind: event.deviceKind,
    kind: event.kind,
    priority: event.priority,
    deviceTime: event.deviceTime,
    receivedAt: event.receivedAt,
    data: event.data,
  };
  if (event.seq !== undefined) env.seq = event.seq;
  return env;
}

/**
 * Persists every `device-event` from the bus into the outbox, synchronously, before any other
 * listener can act on it (it is started first). A bridge-supplied id that is already in the outbox is
 * not inserted twice (a key-safe audit entry re-read after a restart).
 */
export class EventWriter implements Extension {
  readonly name = 'event-writer';
  readonly #bus: GatewayBus;
  readonly #outbox: Outbox;
  readonly #gatewayId: string;
  readonly #log: Logger;
  #off: (() => void) | undefined;
  written = 0;

  constructor(bus: GatewayBus, outbox: Outbox, gatewayId: string, logger: Logger) {
    this.#bus = bus;
    this.#outbox = outbox;
    this.#gatewayId = gatewayId;
    this.#log = logger;
  }

  async start(): Promise<void> {
    this.#off ??= this.#bus.on('device-event', (event) => this.write(event));
  }

  async stop(): Promise<void> {
    this.#off?.();
    this.#off = undefined;
  }

  /** Inserts one event; throws (after logging at `fatal`) if the disk refuses it. */
  write(event: DeviceEvent): string {
    const id = event.id ?? randomUUID();
    if (event.id !== undefined && this.#outbox.has(id)) return id;
    const alarm = event.priority === 'alarm';
    try {
      const input = {
        id,
        topic: 'events',
        payload: JSON.stringify(toEnvelope(this.#gatewayId, event, id)),
        alarm,
        release: 'app-ack' as const,
        ...(alarm || event.coalesceKey === undefined ? {} : { coalesceKey: event.coalesceKey }),
      };
      this.#outbox.insert(input);
    } catch (err) {
      this.#log.fatal(
        { err: String(err), id, deviceId: event.deviceId, kind: event.kind },
        'outbox insert failed',
      );
      throw err;
    }
    this.written += 1;
    return id;
  }
}
