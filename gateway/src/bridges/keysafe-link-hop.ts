import type { Clock, TimerHandle } from '@baken/hardware';
import {
  KsEndpoint,
  type KsEndpointOutput,
  type KsFrame,
  type KsHandleResult,
  type KsInbound,
  type KsOutcome,
  type KsOutgoing,
  ksEncodeFrame,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { FrameTransport } from './frame-transport.js';

/**
 * The gateway's thin driver around the one KS-SERIAL engine (`KsEndpoint` in @baken/protocols):
 * deframing, the duplicate filter with its replayed replies, ACK/NAK and the reliable sender live
 * there [KS-SERIAL §4.4, §4.5]; this writes what it returns to the transport, hands the sender's
 * outcomes to `onAction`, and keeps one timer on the injected clock at the engine's deadline.
 */
export class KsLinkHop {
  readonly #clock: Clock;
  readonly #transport: FrameTransport;
  readonly #log: Logger;
  readonly #onAction: (a: KsOutcome) => void;
  readonly #engine: KsEndpoint;
  #tickTimer: TimerHandle | undefined;

  constructor(clock: Clock, transport: FrameTransport, log: Logger, onAction: (a: KsOutcome) => void) {
    this.#clock = clock;
    this.#transport = transport;
    this.#log = log;
    this.#onAction = onAction;
    // the host does not NAK bad-CRC candidates: the device's retransmission covers them [KS-SERIAL §4.3]
    this.#engine = new KsEndpoint({ sender: transport.senderConfig, nakBadCrc: false });
  }

  /** A fresh link (after open): new deframer and duplicate filter, sender starting at `initialSeq`. */
  reset(initialSeq: number): void {
    this.#clock.clearTimeout(this.#tickTimer);
    this.#engine.reset(initialSeq);
  }

  /** Link lost: pending frames are dropped (their owners were told), no more retransmissions. */
  abort(): void {
    this.#clock.clearTimeout(this.#tickTimer);
    this.#engine.reset(0);
  }

  stop(): void {
    this.#clock.clearTimeout(this.#tickTimer);
  }

  /**
   * Bytes from the device: `onFrame` sees every whole frame; `handle` answers each new reliable one
   * exactly once (a retransmission gets the stored answer again and is not handed on) [KS-SERIAL §4.5].
   */
  receive(
    chunk: Uint8Array,
    onFrame: (frame: KsFrame) => void,
    handle: (inbound: KsInbound) => KsHandleResult,
  ): void {
    this.#apply(this.#engine.receive(chunk, this.#clock.monotonic(), handle, onFrame));
  }

  /** Queue a reliable frame (TYPE and PAYLOAD as given; the SEQ is this hop's) [KS-SERIAL §4.4]. */
  send(item: KsOutgoing): void {
    this.#apply(this.#engine.send(item, this.#clock.monotonic()));
  }

  #apply(result: KsEndpointOutput): void {
    for (const bytes of result.out) {
      this.#transport.write(bytes).catch((err: unknown) => {
        this.#log.debug({ err: String(err) }, 'key safe write failed');
      });
    }
    for (const a of result.outcomes) this.#onAction(a);
    this.#clock.clearTimeout(this.#tickTimer);
    // read now: an outcome may have queued another frame
    const deadline = this.#engine.deadline;
    if (deadline === null) return;
    this.#tickTimer = this.#clock.setTimeout(
      () => this.#apply(this.#engine.tick(this.#clock.monotonic())),
      Math.max(0, deadline - this.#clock.monotonic()),
    );
  }
}

export function encodeKsFrame(frame: KsFrame): Uint8Array {
  const r = ksEncodeFrame(frame);
  if (!r.ok) throw r.error;
  return r.value;
}
