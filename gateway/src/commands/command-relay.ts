import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@baken/hardware';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { CommandResult, GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import type { Outbox } from '../outbox/outbox.js';
import { CommandRequestPayload, parseInbound } from '../uplink/inbound.js';
import type { Uplink } from '../uplink/uplink.js';

/**
 * Relays server commands to the key-safe bridge (issue 5 §3). Contract:
 * - every valid `cmd/req` gets exactly one `cmd/res` with the same `transaction`;
 * - expired (`expiresAt` ≤ now) or for a device not in the registry → `refused` at once, nothing on
 *   the bus; a transaction already in progress is ignored (the server retried);
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
  rejected = 0;

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
    const onMessage = (suffix: string, payload: Buffer): void => {
      if (suffix === 'cmd/req') this.#onRequest(payload);
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

  #onRequest(payload: Buffer): void {
    const parsed = parseInbound<CommandRequestPayload>(CommandRequestPayload, payload);
    if (!parsed.ok) {
      this.rejected += 1;
      this.#log.warn({ reason: parsed.reason }, 'rejected cmd/req payload');
      return;
    }
    const { v: _v, ...req } = parsed.value;
    if (this.#pending.has(req.transaction)) return;
    const now = this.#clock.now();
    if (req.expiresAt <= now) {
      this.#respond({ transaction: req.transaction, status: 'refused', reason: 'expired' });
      return;
    }
    if (!this.#devices.has(req.deviceId)) {
      this.#respond({ transaction: req.transaction, status: 'refused', reason: 'unknown-device' });
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
    const res: Record<string, unknown> = { v: 1, transaction: result.transaction, status: result.status };
    if (result.reason !== undefined) res['reason'] = result.reason;
    if (result.responseHex !== undefined) res['responseHex'] = result.responseHex;
    res['at'] = this.#clock.now();
    this.#outbox.insert({
      id: randomUUID(),
      topic: 'cmd/res',
      payload: JSON.stringify(res),
      alarm: false,
      release: 'puback',
    });
  }
}
