import type { KsFrame } from './frame.js';
import { KS_RETRYABLE_REASONS, KsReason } from './message-types.js';

/**
 * Sender side of the stop-and-wait link — [KS-SERIAL §4.4]. A pure state machine: feed it events with
 * the current time, get back the new state and the actions to perform. One frame is in flight at a time;
 * the rest wait in a bounded queue.
 */
export interface KsSenderConfig {
  /** Wait this long for ACK/NAK before retransmitting (ms). */
  ackTimeoutMs: number;
  /** Total transmissions of one frame, the first included. */
  maxTries: number;
  /** Delay before retrying after NAK BUSY (ms). */
  busyRetryMs: number;
  /** Frames that may wait behind the one in flight. */
  maxQueue: number;
}

/** [KS-SERIAL §4.4]: serial defaults; over BLE GATT use `KS_GATT_SENDER_CONFIG`. */
export const KS_SERIAL_SENDER_CONFIG: Readonly<KsSenderConfig> = {
  ackTimeoutMs: 300,
  maxTries: 4,
  busyRetryMs: 500,
  maxQueue: 32,
};
export const KS_GATT_SENDER_CONFIG: Readonly<KsSenderConfig> = {
  ackTimeoutMs: 1500,
  maxTries: 4,
  busyRetryMs: 1000,
  maxQueue: 32,
};

export interface KsOutgoing {
  type: number;
  payload: Uint8Array;
  /** Caller's correlation tag, echoed in the outcome action. */
  tag: string;
}

interface InFlight {
  frame: KsFrame;
  tag: string;
  tries: number;
  deadline: number;
}

export interface KsSenderState {
  readonly config: KsSenderConfig;
  readonly nextSeq: number;
  readonly inFlight: InFlight | null;
  readonly queue: readonly KsOutgoing[];
}

export type KsSenderInput =
  | { kind: 'send'; item: KsOutgoing }
  | { kind: 'ack'; seq: number }
  | { kind: 'nak'; seq: number; reason: number }
  | { kind: 'tick' };

export type KsSenderAction =
  | { kind: 'transmit'; frame: KsFrame; attempt: number; tag: string }
  | { kind: 'delivered'; seq: number; tag: string }
  | { kind: 'refused'; seq: number; tag: string; reason: number }
  | { kind: 'exhausted'; seq: number; tag: string }
  | { kind: 'overflow'; tag: string };

export function ksSenderInit(config: KsSenderConfig = KS_SERIAL_SENDER_CONFIG, firstSeq = 0): KsSenderState {
  return { config, nextSeq: firstSeq & 0xff, inFlight: null, queue: [] };
}

/** When the caller must call `tick` next (ms), or null when nothing is in flight. */
export function ksSenderNextDeadline(state: KsSenderState): number | null {
  return state.inFlight?.deadline ?? null;
}

type Step = { state: KsSenderState; actions: KsSenderAction[] };

function startNext(state: KsSenderState, now: number, actions: KsSenderAction[]): Step {
  const [next, ...rest] = state.queue;
  if (state.inFlight !== null || next === undefined) return { state, actions };
  const frame: KsFrame = { type: next.type, seq: state.nextSeq, payload: next.payload };
  actions.push({ kind: 'transmit', frame, attempt: 1, tag: next.tag });
  const inFlight: InFlight = { frame, tag: next.tag, tries: 1, deadline: now + state.config.ackTimeoutMs };
  return { state: { ...state, nextSeq: (state.nextSeq + 1) & 0xff, inFlight, queue: rest }, actions };
}

function finish(state: KsSenderState, now: number, action: KsSenderAction): Step {
  return startNext({ ...state, inFlight: null }, now, [action]);
}

/** Retransmit the in-flight frame at `at`, or give up when the bound is reached — [KS-SERIAL §4.4]. */
function retry(state: KsSenderState, f: InFlight, now: number, sendAt: number): Step {
  if (f.tries >= state.config.maxTries) {
    return finish(state, now, { kind: 'exhausted', seq: f.frame.seq, tag: f.tag });
  }
  if (sendAt > now) return { state: { ...state, inFlight: { ...f, deadline: sendAt } }, actions: [] };
  const tries = f.tries + 1;
  const inFlight = { ...f, tries, deadline: now + state.config.ackTimeoutMs };
  return {
    state: { ...state, inFlight },
    actions: [{ kind: 'transmit', frame: f.frame, attempt: tries, tag: f.tag }],
  };
}

export function ksSenderStep(state: KsSenderState, input: KsSenderInput, now: number): Step {
  const f = state.inFlight;
  switch (input.kind) {
    case 'send':
      if (state.queue.length >= state.config.maxQueue) {
        return { state, actions: [{ kind: 'overflow', tag: input.item.tag }] };
      }
      return startNext({ ...state, queue: [...state.queue, input.item] }, now, []);
    case 'ack':
      // [KS-SERIAL §4.3] an ACK for any other SEQ is stale and ignored.
      if (f === null || input.seq !== f.frame.seq) return { state, actions: [] };
      return finish(state, now, { kind: 'delivered', seq: f.frame.seq, tag: f.tag });
    case 'nak':
      if (f === null || input.seq !== f.frame.seq) return { state, actions: [] };
      if (!KS_RETRYABLE_REASONS.has(input.reason)) {
        return finish(state, now, { kind: 'refused', seq: f.frame.seq, tag: f.tag, reason: input.reason });
      }
      return retry(state, f, now, input.reason === KsReason.Busy ? now + state.config.busyRetryMs : now);
    case 'tick':
      if (f === null || now < f.deadline) return { state, actions: [] };
      return retry(state, f, now, now);
  }
}
