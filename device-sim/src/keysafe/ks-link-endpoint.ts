import type { Clock, TimerHandle } from '@baken/hardware';
import {
  type KsDeframerCounters,
  KsEndpoint,
  type KsEndpointOutput,
  type KsFrame,
  type KsHandleResult,
  type KsMessage,
  type KsOutcome,
  type KsSenderConfig,
  ksEncodeMessage,
} from '@baken/protocols';

export type { KsHandleResult, KsOutcome } from '@baken/protocols';

export interface KsLinkEndpointOptions {
  clock: Clock;
  /** Puts bytes on the transport (serial write, GATT notify/write in chunks). Errors are swallowed. */
  write: (bytes: Uint8Array) => void | Promise<void>;
  /** Called once per NEW reliable message (never for a retransmission) — [KS-SERIAL §4.5]. */
  onMessage: (msg: KsMessage, frame: KsFrame) => KsHandleResult;
  /** Sender outcome of a reliable frame we sent (tag = what `send` returned). */
  onOutcome?: (outcome: KsOutcome) => void;
  sender?: KsSenderConfig;
  /** Answer bad-CRC candidates with NAK BAD_CRC (SEQ untrusted) — [KS-SERIAL §4.3]. Default true. */
  nakBadCrc?: boolean;
}

/**
 * The simulator's thin driver around the one KS-SERIAL engine (`KsEndpoint` in @baken/protocols):
 * writes what it returns, reports outcomes, and keeps one timer on the injected clock at its deadline.
 * Byte-oriented, so the same endpoint runs over a serial link and over the GATT mapping.
 */
export class KsLinkEndpoint {
  readonly #opts: KsLinkEndpointOptions;
  readonly #engine: KsEndpoint;
  #timer: TimerHandle | undefined;
  #tagSeq = 0;
  #stopped = false;

  constructor(opts: KsLinkEndpointOptions) {
    this.#opts = opts;
    this.#engine = new KsEndpoint({
      ...(opts.sender === undefined ? {} : { sender: opts.sender }),
      ...(opts.nakBadCrc === undefined ? {} : { nakBadCrc: opts.nakBadCrc }),
    });
  }

  get counters(): Readonly<KsDeframerCounters> {
    return this.#engine.counters;
  }

  /** Frames waiting behind the one in flight, plus the one in flight. */
  get backlog(): number {
    return this.#engine.backlog;
  }

  /** Queue a reliable message; returns its correlation tag. */
  send(msg: KsMessage, tag = `t${++this.#tagSeq}`): string {
    const encoded = ksEncodeMessage(msg, 0);
    if (!encoded.ok) throw encoded.error;
    const item = { type: encoded.value.type, payload: encoded.value.payload, tag };
    this.#apply(this.#engine.send(item, this.#opts.clock.monotonic()));
    return tag;
  }

  /** Bytes from the transport, in any chunking. */
  receive(bytes: Uint8Array): void {
    if (this.#stopped) return;
    const out = this.#engine.receive(bytes, this.#opts.clock.monotonic(), (inbound) =>
      'msg' in inbound ? this.#opts.onMessage(inbound.msg, inbound.frame) : { nak: inbound.nak },
    );
    this.#apply(out);
  }

  /** Forget link state (power loss / HELLO resync); pending sends are dropped silently. */
  reset(): void {
    this.#opts.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#engine.reset(0);
  }

  stop(): void {
    this.#stopped = true;
    this.#opts.clock.clearTimeout(this.#timer);
  }

  #apply(result: KsEndpointOutput): void {
    for (const bytes of result.out) this.#write(bytes);
    for (const outcome of result.outcomes) this.#opts.onOutcome?.(outcome);
    this.#arm();
  }

  #arm(): void {
    const clock = this.#opts.clock;
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    // read now: an outcome handler may have queued more meanwhile
    const deadline = this.#engine.deadline;
    if (deadline === null || this.#stopped) return;
    this.#timer = clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#apply(this.#engine.tick(clock.monotonic()));
      },
      Math.max(0, deadline - clock.monotonic()),
      { unref: true },
    );
  }

  #write(bytes: Uint8Array): void {
    if (this.#stopped) return;
    try {
      const p = this.#opts.write(bytes);
      if (p instanceof Promise) p.catch(() => undefined);
    } catch {
      // A dead transport behaves like a lost frame; the sender's timeout covers it — [KS-SERIAL §4.4].
    }
  }
}
