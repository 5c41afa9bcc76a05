import { randomUUID } from 'node:crypto';
import { validatePayload } from '@baken/protocols';
import type { Logger } from 'pino';
import type { TrialMode } from '../check/trial-mode.js';
import { GatewayError } from '../errors.js';
import type { DeviceEvent, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from './outbox.js';

/** The `events` payload (gw → server, QoS 1) before validation against the topic map [MQTT-MAP §4.1]. */
export interface OutgoingEvent {
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
  trial?: true;
}

export function toEnvelope(gatewayId: string, event: DeviceEvent, id: string, trial = false): OutgoingEvent {
  const env: OutgoingEvent = {
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
  if (trial) env.trial = true;
  return env;
}

/**
 * Persists every `device-event` from the bus into the outbox, synchronously, before any other
 * listener can act on it (it is started first). A bridge-supplied id that is already in the outbox is
 * not inserted twice (a key-safe audit entry re-read after a restart).
 *
 * Each envelope is checked against the topic map. An invalid one is a bridge bug: it is logged and
 * counted (`invalid`); an invalid ALARM is still stored and sent (an alarm must never be lost to a
 * schema mistake; the server counts it), any other invalid event is refused with
 * `BAKEN_ERR_EVENT_INVALID`.
 */
export class EventWriter implements Extension {
  readonly name = 'event-writer';
  readonly #bus: GatewayBus;
  readonly #outbox: Outbox;
  readonly #gatewayId: string;
  readonly #log: Logger;
  #off: (() => void) | undefined;
  written = 0;
  invalid = 0;

  readonly #trial: TrialMode | undefined;

  /** With `trial`, events its open windows cover are marked `trial: true` [MQTT-MAP §4.1.1]. */
  constructor(bus: GatewayBus, outbox: Outbox, gatewayId: string, logger: Logger, trial?: TrialMode) {
    this.#bus = bus;
    this.#outbox = outbox;
    this.#gatewayId = gatewayId;
    this.#log = logger;
    this.#trial = trial;
  }

  async start(): Promise<void> {
    this.#off ??= this.#bus.on('device-event', (event) => this.write(event));
  }

  async stop(): Promise<void> {
    this.#off?.();
    this.#off = undefined;
  }

  /**
   * Inserts one event. A disk that refuses it does not throw: the outbox keeps it in memory and
   * sends it directly (gateway/README.md "Storage failures"); anything else throws after a `fatal` log.
   */
  write(event: DeviceEvent): string {
    const id = event.id ?? randomUUID();
    if (event.id !== undefined && this.#outbox.has(id)) return id;
    const alarm = event.priority === 'alarm';
    const envelope = toEnvelope(this.#gatewayId, event, id, this.#trial?.covers(event.deviceKind) === true);
    const valid = validatePayload('events', envelope, { unknownProperties: 'reject' });
    if (!valid.ok) {
      this.invalid += 1;
      const where = { id, deviceId: event.deviceId, kind: event.kind, reason: valid.error.message };
      this.#log.error(where, 'event does not match the topic map');
      if (!alarm)
        throw new GatewayError('BAKEN_ERR_EVENT_INVALID', `invalid event: ${valid.error.message}`, where);
    }
    try {
      const input = {
        id,
        topic: 'events',
        payload: JSON.stringify(envelope),
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
