import type { Clock, TimerHandle } from '@baken/hardware';
import {
  KS_RECEIVER_INITIAL,
  KS_SERIAL_SENDER_CONFIG,
  KsDeframer,
  type KsDeframerCounters,
  type KsFrame,
  type KsMessage,
  KsReason,
  type KsReceiverState,
  type KsSenderAction,
  type KsSenderConfig,
  type KsSenderState,
  KsType,
  ksDecodeMessage,
  ksEncodeFrame,
  ksEncodeMessage,
  ksNakReasonFor,
  ksReceiverAccept,
  ksReceiverRecordReply,
  ksSenderInit,
  ksSenderNextDeadline,
  ksSenderStep,
} from '@baken/protocols';

/** What the owner answers to one new reliable frame: ACK (then optional follow-ups) or NAK. */
export type KsHandleResult = { nak: number } | { ack: true };

export type KsOutcome = Extract<KsSenderAction, { kind: 'delivered' | 'refused' | 'exhausted' | 'overflow' }>;

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
 * One side of a KS-SERIAL link (device or host): deframer, duplicate filter and stop-and-wait sender
 * with bounded retransmission on the injected clock — [KS-SERIAL §3.5, §4]. Byte-oriented, so the same
 * endpoint runs over a serial link and over the GATT mapping.
 */
export class KsLinkEndpoint {
  readonly #opts: KsLinkEndpointOptions;
  readonly #deframer: KsDeframer;
  #receiver: KsReceiverState = KS_RECEIVER_INITIAL;
  #sender: KsSenderState;
  #timer: TimerHandle | undefined;
  #tagSeq = 0;
  #stopped = false;

  constructor(opts: KsLinkEndpointOptions) {
    this.#opts = opts;
    this.#sender = ksSenderInit(opts.sender ?? KS_SERIAL_SENDER_CONFIG, 0);
    this.#deframer = new KsDeframer({
      onBadCrc: (seq) => {
        if (opts.nakBadCrc !== false)
          this.#writeFrame({ type: KsType.Nak, seq, payload: Uint8Array.of(KsReason.BadCrc) });
      },
    });
  }

  get counters(): Readonly<KsDeframerCounters> {
    return this.#deframer.stats;
  }

  /** Frames waiting behind the one in flight, plus the one in flight. */
  get backlog(): number {
    return this.#sender.queue.length + (this.#sender.inFlight === null ? 0 : 1);
  }

  /** Queue a reliable message; returns its correlation tag. */
  send(msg: KsMessage, tag = `t${++this.#tagSeq}`): string {
    const encoded = ksEncodeMessage(msg, 0);
    if (!encoded.ok) throw encoded.error;
    this.#step({ kind: 'send', item: { type: encoded.value.type, payload: encoded.value.payload, tag } });
    return tag;
  }

  /** Bytes from the transport, in any chunking. */
  receive(bytes: Uint8Array): void {
    if (this.#stopped) return;
    for (const frame of this.#deframer.push(bytes)) this.#onFrame(frame);
  }

  /** Forget link state (power loss / HELLO resync); pending sends are dropped silently. */
  reset(): void {
    this.#opts.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#receiver = KS_RECEIVER_INITIAL;
    this.#sender = ksSenderInit(this.#sender.config, 0);
    this.#deframer.reset();
  }

  stop(): void {
    this.#stopped = true;
    this.#opts.clock.clearTimeout(this.#timer);
  }

  #onFrame(frame: KsFrame): void {
    if (frame.type === KsType.Ack) {
      this.#step({ kind: 'ack', seq: frame.seq });
      return;
    }
    if (frame.type === KsType.Nak) {
      this.#step({ kind: 'nak', seq: frame.seq, reason: frame.payload[0] ?? KsReason.BadPayload });
      return;
    }
    const decision = ksReceiverAccept(this.#receiver, frame, frame.type === KsType.Hello);
    this.#receiver = decision.state;
    if (decision.duplicate) {
      for (const f of decision.replay) this.#writeFrame(f);
      return;
    }
    const decoded = ksDecodeMessage(frame);
    const result: KsHandleResult = decoded.ok
      ? this.#opts.onMessage(decoded.value, frame)
      : { nak: ksNakReasonFor(decoded.error) };
    const reply: KsFrame =
      'nak' in result
        ? { type: KsType.Nak, seq: frame.seq, payload: Uint8Array.of(result.nak) }
        : { type: KsType.Ack, seq: frame.seq, payload: new Uint8Array(0) };
    this.#receiver = ksReceiverRecordReply(this.#receiver, reply);
    this.#writeFrame(reply);
  }

  #step(input: Parameters<typeof ksSenderStep>[1]): void {
    const { state, actions } = ksSenderStep(this.#sender, input, this.#opts.clock.monotonic());
    this.#sender = state;
    for (const a of actions) {
      if (a.kind === 'transmit') this.#writeFrame(a.frame);
      else this.#opts.onOutcome?.(a);
    }
    this.#arm();
  }

  #arm(): void {
    const clock = this.#opts.clock;
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = ksSenderNextDeadline(this.#sender);
    if (deadline === null || this.#stopped) return;
    this.#timer = clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#step({ kind: 'tick' });
      },
      Math.max(0, deadline - clock.monotonic()),
      { unref: true },
    );
  }

  #writeFrame(frame: KsFrame): void {
    if (this.#stopped) return;
    const bytes = ksEncodeFrame(frame);
    if (!bytes.ok) return;
    try {
      const p = this.#opts.write(bytes.value);
      if (p instanceof Promise) p.catch(() => undefined);
    } catch {
      // A dead transport behaves like a lost frame; the sender's timeout covers it — [KS-SERIAL §4.4].
    }
  }
}
