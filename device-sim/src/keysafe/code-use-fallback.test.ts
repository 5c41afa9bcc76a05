import { type KsEvent, KsReason } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { CodeUseFallback } from './code-use-fallback.js';

const used: KsEvent = { kind: 'code_used', eventSeq: 7, deviceTime: 100, slot: 3, holderId: 42, issue: 9n };

describe('code use towards a home unit older than KS-SERIAL 1.1 [§7.1]', () => {
  it('a CODE_USED refused as UNKNOWN_TYPE is sent again as CODE_ACCEPTED with the same SEQ, time, slot and holder', () => {
    const f = new CodeUseFallback();
    f.track('t1', used);
    expect(f.onOutcome({ kind: 'refused', seq: 1, tag: 't1', reason: KsReason.UnknownType })).toEqual({
      kind: 'code_accepted',
      eventSeq: 7,
      deviceTime: 100,
      slot: 3,
      holderId: 42,
    });
    // once only
    expect(f.onOutcome({ kind: 'refused', seq: 1, tag: 't1', reason: KsReason.UnknownType })).toBeNull();
  });

  it('nothing again when it was delivered, refused for another reason, or not a code use', () => {
    const f = new CodeUseFallback();
    f.track('a', used);
    f.track('b', used);
    f.track('c', { kind: 'door_opened', eventSeq: 8, deviceTime: 101 });
    expect(f.onOutcome({ kind: 'delivered', seq: 1, tag: 'a' })).toBeNull();
    expect(f.onOutcome({ kind: 'refused', seq: 2, tag: 'b', reason: KsReason.BadPayload })).toBeNull();
    expect(f.onOutcome({ kind: 'refused', seq: 3, tag: 'c', reason: KsReason.UnknownType })).toBeNull();
  });
});
