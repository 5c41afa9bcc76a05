import { KsDeframer, type KsDeframerCounters } from './deframer.js';
import {
  KS_RECEIVER_INITIAL,
  type KsReceiverState,
  ksReceiverAccept,
  ksReceiverRecordReply,
} from './duplicate-filter.js';
import { type KsFrame, ksEncodeFrame } from './frame.js';
import { ksDecodeMessage, ksNakReasonFor } from './message-codec.js';
import { KsReason, KsType } from './message-types.js';
import type { KsMessage } from './messages.js';
import {
  KS_SERIAL_SENDER_CONFIG,
  type KsOutgoing,
  type KsSenderAction,
  type KsSenderConfig,
  type KsSenderInput,
  type KsSenderState,
  ksSenderInit,
  ksSenderNextDeadline,
  ksSenderStep,
} from './retransmit.js';

/** What the owner answers to one NEW reliable frame: ACK or NAK with a reason [KS-SERIAL §4.5]. */
export type KsHandleResult = { nak: number } | { ack: true };

/** The sender's verdict on one reliable frame we queued (its `tag`) [KS-SERIAL §4.4]. */
export type KsOutcome = Extract<KsSenderAction, { kind: 'delivered' | 'refused' | 'exhausted' | 'overflow' }>;

/** A new reliable frame from the peer, decoded (or the decode error's NAK reason). */
export type KsInbound = { frame: KsFrame; msg: KsMessage } | { frame: KsFrame; nak: number };

/** What one call produced: bytes to write (in order), sender outcomes, and the next timer deadline. */
export interface KsEndpointOutput {
  out: Uint8Array[];
  outcomes: KsOutcome[];
  /** Monotonic ms at which `tick(now)` is due, or `null` when nothing waits for an ACK. */
  deadline: number | null;
}

export interface KsEndpointOptions {
  sender?: Readonly<KsSenderConfig>;
  /** SEQ of our first reliable frame (a host starts at a random one [KS-SERIAL §4.1]). Default 0. */
  initialSeq?: number;
  /** Answer bad-CRC candidates with NAK BAD_CRC [KS-SERIAL §4.3]. Default true. */
  nakBadCrc?: boolean;
}

/**
 * One KS-SERIAL endpoint (key safe or host) as a pure state machine [KS-SERIAL §3–§4]: fed bytes and
 * "now" (monotonic ms), it returns the bytes to write, the sender outcomes and the next deadline.
 * Deframing, the duplicate filter with its replayed replies, ACK/NAK of the peer's frames and the
 * stop-and-wait sender with bounded retransmission all live here; no I/O and no timers. The driver
 * (gateway bridge, simulator) writes `out`, acts on outcomes and calls `tick(now)` at the deadline.
 * `handle` decides ACK or NAK for each new reliable message and is called exactly once per message
 * (never for a retransmission). Total: any bytes are accepted without throwing.
 */
export class KsEndpoint {
  readonly #config: Readonly<KsSenderConfig>;
  readonly #deframer: KsDeframer;
  #receiver: KsReceiverState = KS_RECEIVER_INITIAL;
  #sender: KsSenderState;
  #out: Uint8Array[] = [];
  #outcomes: KsOutcome[] = [];

  constructor(opts: KsEndpointOptions = {}) {
    this.#config = opts.sender ?? KS_SERIAL_SENDER_CONFIG;
    this.#sender = ksSenderInit(this.#config, opts.initialSeq ?? 0);
    const nakBadCrc = opts.nakBadCrc !== false;
    this.#deframer = new KsDeframer({
      onBadCrc: (seq) => {
        if (nakBadCrc) this.#write({ type: KsType.Nak, seq, payload: Uint8Array.of(KsReason.BadCrc) });
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

  get deadline(): number | null {
    return ksSenderNextDeadline(this.#sender);
  }

  /** Bytes from the transport, in any chunking. ACK/NAK frames step the sender; every new reliable
   * frame goes to `handle` once, and its answer is sent and remembered for a retransmission. */
  receive(
    bytes: Uint8Array,
    now: number,
    handle: (inbound: KsInbound) => KsHandleResult,
    onFrame?: (frame: KsFrame) => void,
  ): KsEndpointOutput {
    for (const frame of this.#deframer.push(bytes)) {
      onFrame?.(frame);
      this.#onFrame(frame, now, handle);
    }
    return this.#drain();
  }

  /** Queue a reliable frame (TYPE and PAYLOAD; the SEQ is ours) [KS-SERIAL §4.4]. */
  send(item: KsOutgoing, now: number): KsEndpointOutput {
    this.#step({ kind: 'send', item }, now);
    return this.#drain();
  }

  /** The deadline passed: retransmit or give up [KS-SERIAL §4.4]. */
  tick(now: number): KsEndpointOutput {
    this.#step({ kind: 'tick' }, now);
    return this.#drain();
  }

  /** A fresh link: new deframer and duplicate filter; pending frames are dropped without outcome. */
  reset(initialSeq = 0): void {
    this.#receiver = KS_RECEIVER_INITIAL;
    this.#sender = ksSenderInit(this.#config, initialSeq);
    this.#deframer.reset();
    this.#out = [];
    this.#outcomes = [];
  }

  #onFrame(frame: KsFrame, now: number, handle: (inbound: KsInbound) => KsHandleResult): void {
    if (frame.type === KsType.Ack) {
      this.#step({ kind: 'ack', seq: frame.seq }, now);
      return;
    }
    if (frame.type === KsType.Nak) {
      this.#step({ kind: 'nak', seq: frame.seq, reason: frame.payload[0] ?? KsReason.BadPayload }, now);
      return;
    }
    const decision = ksReceiverAccept(this.#receiver, frame, frame.type === KsType.Hello);
    this.#receiver = decision.state;
    if (decision.duplicate) {
      for (const f of decision.replay) this.#write(f);
      return;
    }
    const decoded = ksDecodeMessage(frame);
    const result = handle(
      decoded.ok ? { frame, msg: decoded.value } : { frame, nak: ksNakReasonFor(decoded.error) },
    );
    const reply: KsFrame =
      'nak' in result
        ? { type: KsType.Nak, seq: frame.seq, payload: Uint8Array.of(result.nak) }
        : { type: KsType.Ack, seq: frame.seq, payload: new Uint8Array(0) };
    this.#receiver = ksReceiverRecordReply(this.#receiver, reply);
    this.#write(reply);
  }

  #step(input: KsSenderInput, now: number): void {
    const { state, actions } = ksSenderStep(this.#sender, input, now);
    this.#sender = state;
    for (const a of actions) {
      if (a.kind === 'transmit') this.#write(a.frame);
      else this.#outcomes.push(a);
    }
  }

  #write(frame: KsFrame): void {
    const bytes = ksEncodeFrame(frame);
    if (bytes.ok) this.#out.push(bytes.value);
  }

  #drain(): KsEndpointOutput {
    const out = this.#out;
    const outcomes = this.#outcomes;
    this.#out = [];
    this.#outcomes = [];
    return { out, outcomes, deadline: this.deadline };
  }
}
