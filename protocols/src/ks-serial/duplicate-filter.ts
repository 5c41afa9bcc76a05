import type { KsFrame } from './frame.js';

/**
 * Receiver side of the link — [KS-SERIAL §4.5]. A reliable frame whose SEQ equals the last one accepted
 * from this peer is a retransmission: answer it with the cached reply (ACK or NAK, and any response
 * already sent) and do NOT act on it again, so a retransmitted command is executed exactly once.
 * A HELLO from the peer resets the filter (the peer restarted its SEQ).
 */
export interface KsReceiverState {
  readonly lastSeq: number | null;
  /** Frames sent in answer to `lastSeq`, replayed verbatim on a duplicate. */
  readonly replies: readonly KsFrame[];
}

export const KS_RECEIVER_INITIAL: KsReceiverState = { lastSeq: null, replies: [] };

export type KsReceiveDecision =
  | { duplicate: false; state: KsReceiverState }
  | { duplicate: true; state: KsReceiverState; replay: readonly KsFrame[] };

export function ksReceiverAccept(
  state: KsReceiverState,
  frame: KsFrame,
  isHello: boolean,
): KsReceiveDecision {
  if (!isHello && state.lastSeq === frame.seq) {
    return { duplicate: true, state, replay: state.replies };
  }
  return { duplicate: false, state: { lastSeq: frame.seq, replies: [] } };
}

/** Remember a reply sent for the current `lastSeq`. */
export function ksReceiverRecordReply(state: KsReceiverState, reply: KsFrame): KsReceiverState {
  return { ...state, replies: [...state.replies, reply] };
}
