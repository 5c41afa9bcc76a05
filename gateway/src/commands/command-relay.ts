import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@baken/hardware';
import { type DecodedMqttMessage, encodeMqttPayload, type MqttCommandRequest } from '@baken/protocols';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { CommandResult, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Uplink } from '../uplink/uplink.js';

/**
 * Relays server commands to the key-safe bridge. Contract:
 * - every valid `cmd/req` gets exactly one `cmd/res` with the same `transaction`;
 * - for a device not in the registry → `refused` (`unknown_device`); already expired
 *   (`expiresAt` ≤ now) → `timeout` as the topic map prescribes [MQTT-MAP §4.5]; gateway-level kinds
 *   (`status`, `check`, `pair`, `unpair`) → `refused` (`not_supported`) until the bridges handle them;
 *   in all these cases nothing reaches the bus. A transaction already in progress is ignored;
 * - `update` offers go on the bus like frames; the update agent answers them (gateway/src/update;
 *   without one the answer is `timeout` at `expiresAt`);
 * - otherwise the request is emitted unchanged as `command` on the bus; the bridge answers with
 *   `command-result`; without an answer by `expiresAt` the response is `timeout`;
 * - the frame is passed through as received: the gateway holds no key-safe keys and cannot mint,
 *   alter or replay a command the key safe would accept;
 * - responses go through the outbox (released on PUBACK) so a brief outage does not lose them.
 */
export class CommandRelay implements Extension {
  readonly name = 'command-relay';
  readonly #bus: GatewayBus;
  readonly #uplink: Uplink;
  readonly #outbox: Outbox;
  readonly #devices: DeviceRegistry;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pending = new Map<string, TimerHandle>();
  #offs: (() => void)[] = [];

  constructor(
    bus: GatewayBus,
    uplink: Uplink,
    outbox: Outbox,
    devices: DeviceRegistry,
    clock: Clock,
    logger: Logger,
  ) {
    this.#bus = bus;
    this.#uplink = uplink;
    this.#outbox = outbox;
    this.#devices = devices;
    this.#clock = clock;
    this.#log = logger;
  }

  async start(): Promise<void> {
    if (this.#offs.length > 0) return;
    const onMessage = (message: DecodedMqttMessage): void => {
      if (message.name === 'cmd/req') this.#onRequest(message.payload);
    };
    this.#uplink.on('message', onMessage);
    this.#offs = [
      () => this.#uplink.off('message', onMessage),
      this.#bus.on('command-result', (result) => this.#onResult(result)),
    ];
  }

  async stop(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    for (const t of this.#pending.values()) this.#clock.clearTimeout(t);
    this.#pending.clear();
  }

  #onRequest(payload: MqttCommandRequest): void {
    const { v: _v, ...req } = payload;
    if (this.#pending.has(req.transaction)) return;
    const now = this.#clock.now();
    if (req.expiresAt <= now) {
      this.#respond({ transaction: req.transaction, status: 'timeout', reason: 'expired' });
      return;
    }
    if (req.kind !== 'keysafe_frame' && req.kind !== 'update') {
      this.#respond({ transaction: req.transaction, status: 'refused', reason: 'not_supported' });
      return;
    }
    if (req.kind === 'keysafe_frame' && !this.#devices.has(req.deviceId)) {
      this.#respond({ transaction: req.transaction, status: 'refused', reason: 'unknown_device' });
      return;
    }
    const timer = this.#clock.setTimeout(() => {
      this.#pending.delete(req.transaction);
      this.#respond({ transaction: req.transaction, status: 'timeout', reason: 'no answer from device' });
    }, req.expiresAt - now);
    this.#pending.set(req.transaction, timer);
    this.#log.info(
      { transaction: req.transaction, deviceId: req.deviceId, kind: req.kind },
      'command relayed',
    );
    this.#bus.emit('command', req);
  }

  #onResult(result: CommandResult): void {
    const timer = this.#pending.get(result.transaction);
    if (timer === undefined) return; // unknown, already answered or timed out
    this.#clock.clearTimeout(timer);
    this.#pending.delete(result.transaction);
    this.#respond(result);
  }

  #respond(result: CommandResult): void {
    let payload: string;
    try {
      payload = this.#encode(result);
    } catch (err) {
      // a bridge answered with something the topic map refuses (bad hex, long reason)
      this.#log.error(
        { transaction: result.transaction, err: String(err) },
        'invalid command result from bridge',
      );
      payload = this.#encode({
        transaction: result.transaction,
        status: 'error',
        reason: 'BAKEN_ERR_BRIDGE_RESULT',
      });
    }
    this.#outbox.insert({
      id: randomUUID(),
      topic: 'cmd/res',
      payload,
      alarm: false,
      release: 'puback',
    });
  }

  #encode(result: CommandResult): string {
    return encodeMqttPayload('cmd/res', {
      v: 1,
      transaction: result.transaction,
      status: result.status,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(result.responseHex === undefined ? {} : { responseHex: result.responseHex }),
      at: this.#clock.now(),
    });
  }
}
