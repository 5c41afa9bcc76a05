import type { Clock } from '@baken/hardware';
import {
  type KsAuthCommand,
  type KsMessage,
  type KsSenderConfig,
  type KsUnsignedAuthCommand,
  ksSealCodeMaterial,
  ksSignCommand,
} from '@baken/protocols';
import { KsLinkEndpoint, type KsOutcome } from './ks-link-endpoint.js';
import type { ByteSink } from './transports.js';

/**
 * A minimal home-unit side of KS-SERIAL for tests, scenarios and the CLI: ACKs everything the
 * device sends, records it, and signs commands with the device key as the server would.
 */
export class KsTestHost implements ByteSink {
  readonly received: KsMessage[] = [];
  readonly outcomes: KsOutcome[] = [];
  readonly endpoint: KsLinkEndpoint;
  readonly #key: Uint8Array;
  readonly #serial: string;
  readonly #clock: Clock;
  #writer: (bytes: Uint8Array) => void | Promise<void> = () => undefined;
  #counter = 0n;
  #listeners: ((m: KsMessage) => void)[] = [];
  #waiters: ((o: KsOutcome) => void)[] = [];

  constructor(opts: {
    clock: Clock;
    key: Uint8Array;
    serial: string;
    sender?: KsSenderConfig;
    firstCounter?: bigint;
  }) {
    this.#key = opts.key;
    this.#serial = opts.serial;
    this.#clock = opts.clock;
    this.#counter = opts.firstCounter ?? 0n;
    this.endpoint = new KsLinkEndpoint({
      clock: opts.clock,
      write: (b) => this.#writer(b),
      onMessage: (m) => {
        this.received.push(m);
        for (const l of this.#listeners) l(m);
        return { ack: true };
      },
      onOutcome: (o) => {
        this.outcomes.push(o);
        for (const w of this.#waiters.splice(0)) w(o);
      },
      ...(opts.sender === undefined ? {} : { sender: opts.sender }),
    });
  }

  setWriter(write: (bytes: Uint8Array) => void | Promise<void>): void {
    this.#writer = write;
  }

  receive(bytes: Uint8Array): void {
    this.endpoint.receive(bytes);
  }

  onMessage(fn: (m: KsMessage) => void): void {
    this.#listeners.push(fn);
  }

  nextCounter(): bigint {
    this.#counter += 1n;
    return this.#counter;
  }

  /**
   * Signs a command body for this device: counter = next, issuedAt = `deviceNow` (the server's
   * estimate of the device clock), valid for `validity` seconds.
   */
  sign(
    body: KsUnsignedAuthCommand extends infer C
      ? C extends { auth: unknown }
        ? Omit<C, 'auth'>
        : never
      : never,
    opts: { deviceNow?: number; validity?: number; counter?: bigint; key?: Uint8Array } = {},
  ): KsAuthCommand {
    const issuedAt = opts.deviceNow ?? Math.floor(this.#clock.now() / 1000);
    const auth = {
      targetSerial: this.#serial,
      counter: opts.counter ?? this.nextCounter(),
      issuedAt,
      expiresAt: issuedAt + (opts.validity ?? 120),
    };
    const signed = ksSignCommand({ ...body, auth } as KsUnsignedAuthCommand, opts.key ?? this.#key);
    if (!signed.ok) throw signed.error;
    return signed.value;
  }

  /** Seals code material for SET_CODE with the counter the command will carry — [KS-SERIAL §8.3]. */
  seal(counter: bigint, material: Uint8Array): Uint8Array {
    const sealed = ksSealCodeMaterial(this.#key, this.#serial, counter, material);
    if (!sealed.ok) throw sealed.error;
    return sealed.value;
  }

  send(msg: KsMessage, tag?: string): string {
    return this.endpoint.send(msg, tag);
  }

  /** Sends and resolves with the sender's outcome (delivered, refused with a reason, exhausted). */
  deliver(msg: KsMessage): Promise<KsOutcome> {
    const tag = this.endpoint.send(msg);
    const done = this.outcomes.find((o) => o.tag === tag);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => {
      const wait = (o: KsOutcome): void => {
        if (o.tag === tag) resolve(o);
        else this.#waiters.push(wait);
      };
      this.#waiters.push(wait);
    });
  }
}
