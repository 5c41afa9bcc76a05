import type { Clock, TimerHandle } from '@baken/hardware';
import type { DecodedMqttMessage, TopicName } from '@baken/protocols';
import type { Logger } from 'pino';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import type { Uplink } from './uplink.js';

export interface OutboxSenderOptions {
  /** Most entries published and not yet acknowledged at once (alarms may exceed it). */
  windowSize: number;
  /** When nothing in flight is acknowledged for this long, resend the window from the start. */
  ackTimeoutMs: number;
}

export interface OutboxSenderStats {
  published: number;
  acked: number;
  resendRounds: number;
  inFlight: number;
}

/**
 * Moves outbox entries to the uplink. Contract:
 * - on every `connected` the whole unacknowledged outbox is resent from its first entry, in
 *   insertion order, at most `windowSize` entries in flight;
 * - an entry leaves the outbox on the server's `ack` message naming its id (`release: 'app-ack'`),
 *   or on PUBACK for `release: 'puback'`;
 * - an alarm inserted while connected is published at once, even when the window is full (the
 *   server orders by device time and deduplicates by id);
 * - duplicates are possible (resend after reconnect, ack timeout, or the outbox moving entries it held
 *   in memory to disk: `resequenced`); loss is not.
 */
export class OutboxSender {
  readonly #outbox: Outbox;
  readonly #uplink: Uplink;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #opts: OutboxSenderOptions;
  /**
   * Ids published and not yet acknowledged. Only ids: an entry's payload is dropped once mqtt.js
   * has its PUBACK, instead of living until the app ack in old space (the burst footprint,
   * docs/scaling.md gateway section); a resend reads it from the outbox again.
   */
  readonly #inFlight = new Set<string>();
  #cursor = 0;
  #ackTimer: TimerHandle | undefined;
  #unsubscribe: (() => void)[] = [];
  readonly #stats: Omit<OutboxSenderStats, 'inFlight'> = {
    published: 0,
    acked: 0,
    resendRounds: 0,
  };

  constructor(outbox: Outbox, uplink: Uplink, clock: Clock, logger: Logger, opts: OutboxSenderOptions) {
    this.#outbox = outbox;
    this.#uplink = uplink;
    this.#clock = clock;
    this.#log = logger;
    this.#opts = opts;
  }

  stats(): OutboxSenderStats {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  start(): void {
    const onInsert = (entry: OutboxEntry): void => this.#onInsert(entry);
    // entries held in memory while the disk failed were moved to disk with new seqs: start over
    const onResequenced = (): void => {
      if (this.#uplink.connected) this.#restart();
      else this.#reset();
    };
    const onConnected = (): void => this.#restart();
    const onDisconnected = (): void => this.#reset();
    const onMessage = (message: DecodedMqttMessage): void => {
      if (message.name === 'ack') this.#onAck(message.payload.ids);
    };
    this.#outbox.on('insert', onInsert);
    this.#outbox.on('resequenced', onResequenced);
    this.#uplink.on('connected', onConnected);
    this.#uplink.on('disconnected', onDisconnected);
    this.#uplink.on('message', onMessage);
    this.#unsubscribe = [
      () => this.#outbox.off('insert', onInsert),
      () => this.#outbox.off('resequenced', onResequenced),
      () => this.#uplink.off('connected', onConnected),
      () => this.#uplink.off('disconnected', onDisconnected),
      () => this.#uplink.off('message', onMessage),
    ];
    if (this.#uplink.connected) this.#restart();
  }

  stop(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#reset();
  }

  #reset(): void {
    this.#inFlight.clear();
    this.#cursor = 0;
    this.#clock.clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  #restart(): void {
    this.#reset();
    this.#pump();
  }

  #onInsert(entry: OutboxEntry): void {
    this.#pump();
    if (entry.alarm && this.#uplink.connected && !this.#inFlight.has(entry.id)) this.#send(entry);
  }

  /** Fills the window from the cursor, in insertion order. */
  #pump(): void {
    if (this.#outbox.closed) return;
    while (this.#uplink.connected && this.#inFlight.size < this.#opts.windowSize) {
      const batch = this.#outbox.pendingAfter(this.#cursor, this.#opts.windowSize - this.#inFlight.size);
      if (batch.length === 0) return;
      for (const entry of batch) {
        this.#cursor = entry.seq;
        if (!this.#inFlight.has(entry.id)) this.#send(entry);
      }
    }
  }

  #send(entry: OutboxEntry): void {
    const { id, release } = entry;
    this.#inFlight.add(id);
    this.#armAckTimer();
    this.#stats.published += 1;
    this.#uplink.publish(entry.topic as TopicName, entry.payload, { qos: 1 }).then(
      () => {
        if (release !== 'puback' || this.#outbox.closed) return;
        this.#outbox.ack([id]);
        this.#inFlight.delete(id);
        this.#pump();
      },
      (err: unknown) => {
        // the connection went away; `disconnected` → `connected` resends from the outbox
        this.#log.debug({ id, err: String(err) }, 'publish not confirmed');
      },
    );
  }

  /** [MQTT-MAP §4.2] the server stored these events; ids not in the outbox are ignored. */
  #onAck(ids: readonly string[]): void {
    if (this.#outbox.closed) return;
    const removed = this.#outbox.ack(ids);
    this.#stats.acked += removed.length;
    for (const id of ids) this.#inFlight.delete(id);
    this.#clock.clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#armAckTimer();
    this.#pump();
  }

  #armAckTimer(): void {
    if (this.#ackTimer || this.#inFlight.size === 0) return;
    this.#ackTimer = this.#clock.setTimeout(() => {
      this.#ackTimer = undefined;
      if (this.#inFlight.size === 0 || !this.#uplink.connected) return;
      this.#stats.resendRounds += 1;
      this.#log.warn(
        { inFlight: this.#inFlight.size },
        'no ack within timeout: resending from the oldest entry',
      );
      this.#restart();
    }, this.#opts.ackTimeoutMs);
  }
}
