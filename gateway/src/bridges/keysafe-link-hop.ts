import type { Clock, TimerHandle } from '@baken/hardware';
import {
  KS_RECEIVER_INITIAL,
  KsDeframer,
  type KsFrame,
  type KsMessage,
  type KsReceiverState,
  type KsSenderAction,
  type KsSenderState,
  ksEncodeFrame,
  ksEncodeMessage,
  ksReceiverAccept,
  ksReceiverRecordReply,
  ksSenderInit,
  ksSenderNextDeadline,
  ksSenderStep,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { FrameTransport } from './frame-transport.js';

export type KsSenderInput = Parameters<typeof ksSenderStep>[1];

/**
 * The gateway ↔ key-safe hop of KS-SERIAL, below the bridge's link state machine: deframing, the
 * reliable sender (SEQ, ACK/NAK, retransmission on the injected clock) [KS-SERIAL §4.4] and the
 * receiver's duplicate filter with the replies it replays [KS-SERIAL §4.5]. The sender's outcomes
 * (`delivered`, `refused`, `exhausted`, `overflow`, `transmit` already written) go to `onAction`.
 */
export class KsLinkHop {
  readonly #clock: Clock;
  readonly #transport: FrameTransport;
  readonly #log: Logger;
  readonly #onAction: (a: KsSenderAction) => void;
  #deframer = new KsDeframer();
  #sender: KsSenderState;
  #rx: KsReceiverState = KS_RECEIVER_INITIAL;
  #tickTimer: TimerHandle | undefined;

  constructor(clock: Clock, transport: FrameTransport, log: Logger, onAction: (a: KsSenderAction) => void) {
    this.#clock = clock;
    this.#transport = transport;
    this.#log = log;
    this.#onAction = onAction;
    this.#sender = ksSenderInit(transport.senderConfig);
  }

  /** A fresh link (after open): new deframer and duplicate filter, sender starting at `initialSeq`. */
  reset(initialSeq: number): void {
    this.#deframer = new KsDeframer();
    this.#rx = KS_RECEIVER_INITIAL;
    this.#sender = ksSenderInit(this.#transport.senderConfig, initialSeq);
  }

  /** Link lost: pending frames are dropped (their owners were told), no more retransmissions. */
  abort(): void {
    this.#clock.clearTimeout(this.#tickTimer);
    this.#sender = ksSenderInit(this.#transport.senderConfig);
  }

  stop(): void {
    this.#clock.clearTimeout(this.#tickTimer);
  }

  frames(chunk: Uint8Array): KsFrame[] {
    return this.#deframer.push(chunk);
  }

  /**
   * The duplicate filter on a reliable frame: false for a retransmission (our ACK got lost), whose
   * stored replies are sent again and which must not be acted on twice [KS-SERIAL §4.5].
   */
  accept(frame: KsFrame, isHello: boolean): boolean {
    const decision = ksReceiverAccept(this.#rx, frame, isHello);
    this.#rx = decision.state;
    if (!decision.duplicate) return true;
    for (const reply of decision.replay) this.write(reply);
    return false;
  }

  /** ACK/NAK (or another reply) for the device's frame `seq`, remembered for a duplicate. */
  reply(seq: number, msg: KsMessage): void {
    const frame = ksEncodeMessage(msg, seq);
    if (!frame.ok) return;
    this.#rx = ksReceiverRecordReply(this.#rx, frame.value);
    this.write(frame.value);
  }

  write(frame: KsFrame): void {
    this.#transport.write(encodeKsFrame(frame)).catch((err: unknown) => {
      this.#log.debug({ err: String(err) }, 'key safe write failed');
    });
  }

  step(input: KsSenderInput): void {
    const now = this.#clock.monotonic();
    const { state, actions } = ksSenderStep(this.#sender, input, now);
    this.#sender = state;
    for (const a of actions) {
      if (a.kind === 'transmit') this.write(a.frame);
      else this.#onAction(a);
    }
    this.#clock.clearTimeout(this.#tickTimer);
    const deadline = ksSenderNextDeadline(this.#sender);
    if (deadline !== null) {
      this.#tickTimer = this.#clock.setTimeout(
        () => this.step({ kind: 'tick' }),
        Math.max(0, deadline - now),
      );
    }
  }
}

export function encodeKsFrame(frame: KsFrame): Uint8Array {
  const r = ksEncodeFrame(frame);
  if (!r.ok) throw r.error;
  return r.value;
}
