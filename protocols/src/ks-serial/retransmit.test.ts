import { describe, expect, it } from 'vitest';
import { KsDeframer } from './deframer.js';
import { KS_RECEIVER_INITIAL, ksReceiverAccept, ksReceiverRecordReply } from './duplicate-filter.js';
import { ksEncodeFrame } from './frame.js';
import { KS_GATT_MAX_CHUNK, ksChunkForGatt } from './gatt-chunking.js';
import { KsReason } from './message-types.js';
import {
  KS_SERIAL_SENDER_CONFIG,
  type KsSenderAction,
  type KsSenderInput,
  type KsSenderState,
  ksSenderInit,
  ksSenderNextDeadline,
  ksSenderStep,
} from './retransmit.js';

const item = (tag: string) => ({ type: 0x40, payload: Uint8Array.of(1, 2), tag });
const { ackTimeoutMs: T, maxTries, busyRetryMs } = KS_SERIAL_SENDER_CONFIG;

/** Drive the sender through inputs at given times; collect all actions. */
function run(inputs: [number, KsSenderInput][], state: KsSenderState = ksSenderInit()) {
  const actions: KsSenderAction[] = [];
  for (const [now, input] of inputs) {
    const step = ksSenderStep(state, input, now);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}
const kinds = (a: KsSenderAction[]) => a.map((x) => `${x.kind}${'attempt' in x ? x.attempt : ''}`);

describe('sender retransmit state machine [KS-SERIAL §4.4]', () => {
  it('transmits at once, completes on the matching ACK and starts the next queued frame', () => {
    const { state, actions } = run([
      [0, { kind: 'send', item: item('a') }],
      [1, { kind: 'send', item: item('b') }],
      [5, { kind: 'ack', seq: 99 }],
      [10, { kind: 'ack', seq: 0 }],
    ]);
    expect(kinds(actions)).toEqual(['transmit1', 'delivered', 'transmit1']);
    expect(actions[2]).toMatchObject({ tag: 'b', frame: { seq: 1 } });
    expect(ksSenderNextDeadline(state)).toBe(10 + T);
  });

  it('retransmits the same SEQ on timeout, at most maxTries in all, then reports exhausted', () => {
    const inputs: [number, KsSenderInput][] = [[0, { kind: 'send', item: item('a') }]];
    for (let i = 1; i <= maxTries; i++) inputs.push([i * T - 1, { kind: 'tick' }], [i * T, { kind: 'tick' }]);
    const { state, actions } = run(inputs);
    expect(kinds(actions)).toEqual(['transmit1', 'transmit2', 'transmit3', 'transmit4', 'exhausted']);
    expect(new Set(actions.flatMap((a) => ('frame' in a ? [a.frame.seq] : [])))).toEqual(new Set([0]));
    expect(ksSenderNextDeadline(state)).toBeNull();
  });

  it('retransmits at once on NAK BAD_CRC, after busyRetryMs on NAK BUSY, and gives up on a final NAK', () => {
    const crc = run([
      [0, { kind: 'send', item: item('a') }],
      [5, { kind: 'nak', seq: 0, reason: KsReason.BadCrc }],
    ]);
    expect(kinds(crc.actions)).toEqual(['transmit1', 'transmit2']);

    const busy = run([
      [0, { kind: 'send', item: item('a') }],
      [5, { kind: 'nak', seq: 0, reason: KsReason.Busy }],
      [5 + busyRetryMs - 1, { kind: 'tick' }],
      [5 + busyRetryMs, { kind: 'tick' }],
    ]);
    expect(kinds(busy.actions)).toEqual(['transmit1', 'transmit2']);

    const refused = run([
      [0, { kind: 'send', item: item('a') }],
      [1, { kind: 'send', item: item('b') }],
      [5, { kind: 'nak', seq: 7, reason: KsReason.BadMac }],
      [6, { kind: 'nak', seq: 0, reason: KsReason.BadMac }],
    ]);
    expect(refused.actions.map((a) => a.kind)).toEqual(['transmit', 'refused', 'transmit']);
    expect(refused.actions[1]).toMatchObject({ tag: 'a', reason: KsReason.BadMac });
  });

  it('bounds the queue, wraps SEQ at 256 and ignores stray input when idle', () => {
    const cfg = { ...KS_SERIAL_SENDER_CONFIG, maxQueue: 1 };
    const full = run(
      [
        [0, { kind: 'send', item: item('a') }],
        [0, { kind: 'send', item: item('b') }],
        [0, { kind: 'send', item: item('c') }],
      ],
      ksSenderInit(cfg),
    );
    expect(full.actions.map((a) => a.kind)).toEqual(['transmit', 'overflow']);
    const wrap = run([[0, { kind: 'send', item: item('a') }]], ksSenderInit(KS_SERIAL_SENDER_CONFIG, 255));
    expect(wrap.actions[0]).toMatchObject({ frame: { seq: 255 } });
    expect(wrap.state.nextSeq).toBe(0);
    const idle = run([
      [0, { kind: 'tick' }],
      [0, { kind: 'ack', seq: 0 }],
      [0, { kind: 'nak', seq: 0, reason: 1 }],
    ]);
    expect(idle.actions).toEqual([]);
  });
});

describe('receiver duplicate filter [KS-SERIAL §4.5]', () => {
  const frame = (seq: number) => ({ type: 0x40, seq, payload: new Uint8Array(0) });
  it('acts once on a retransmitted SEQ and replays the cached replies', () => {
    const first = ksReceiverAccept(KS_RECEIVER_INITIAL, frame(3), false);
    expect(first.duplicate).toBe(false);
    const ack = { type: 0x01, seq: 3, payload: new Uint8Array(0) };
    const state = ksReceiverRecordReply(first.state, ack);
    const again = ksReceiverAccept(state, frame(3), false);
    expect(again).toEqual({ duplicate: true, state, replay: [ack] });
    expect(ksReceiverAccept(state, frame(4), false).duplicate).toBe(false);
  });
  it('treats HELLO as a link reset even with the same SEQ', () => {
    const s = ksReceiverAccept(KS_RECEIVER_INITIAL, frame(0), false).state;
    expect(ksReceiverAccept(s, frame(0), true).duplicate).toBe(false);
  });
});

describe('GATT chunking [KS-SERIAL §11]', () => {
  it('splits into ≤ 20-byte chunks that the deframer reassembles', () => {
    const enc = ksEncodeFrame({ type: 0x61, seq: 1, payload: new Uint8Array(200).fill(0x5a) });
    if (!enc.ok) throw enc.error;
    const chunks = ksChunkForGatt(enc.value);
    expect(chunks.every((c) => c.length <= KS_GATT_MAX_CHUNK)).toBe(true);
    expect(chunks.length).toBe(Math.ceil(enc.value.length / 20));
    const d = new KsDeframer();
    expect(chunks.flatMap((c) => d.push(c))).toHaveLength(1);
    expect(ksChunkForGatt(new Uint8Array(0))).toEqual([]);
    expect(ksChunkForGatt(Uint8Array.of(1, 2, 3), 0)).toHaveLength(3);
  });
});
