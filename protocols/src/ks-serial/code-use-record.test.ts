import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ksEncodeAuditRecord } from './audit-record.js';
import { ksCodeUseIdentity, ksCodeUseOfRecord, ksCodeUseRecordFields } from './code-use-record.js';
import { KsType } from './message-types.js';
import type { KsCodeUse } from './messages.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const issue = fc.bigInt({ min: 0n, max: (1n << 48n) - 1n });
const use: fc.Arbitrary<KsCodeUse> = fc.oneof(
  fc.record({ kind: fc.constant('code_used' as const), slot: u8, holderId: u32, issue }),
  fc.record({
    kind: fc.constant('window_code_used' as const),
    slot: u8,
    holderId: u32,
    keyIssue: issue,
    windowStart: u32,
    windowSeconds: fc.integer({ min: 1, max: 255 }).map((n) => n * 900),
    windowSlot: u8,
  }),
);

describe('code-use audit records [KS-SERIAL §7.1, §10.2]', () => {
  it('carry exactly the identity of the live event, in fields that fit a 32-byte record', () => {
    fc.assert(
      fc.property(use, (e) => {
        const kind = e.kind === 'code_used' ? KsType.CodeUsed : KsType.WindowCodeUsed;
        const fields = ksCodeUseRecordFields(e);
        const rec = { seq: 1, deviceTime: 0, kind, ...fields, mac: new Uint8Array(16) };
        expect(ksEncodeAuditRecord(rec).ok).toBe(true);
        expect(ksCodeUseOfRecord(rec)).toEqual(ksCodeUseIdentity(e));
      }),
    );
  });

  it('name no code for any other kind (a 1.0 CODE_ACCEPTED included)', () => {
    const r = { kind: KsType.CodeAccepted, slot: 3, holderId: 1042, value: 0 };
    expect(ksCodeUseOfRecord(r)).toBeNull();
  });

  it('match the golden record of SPEC §12: the SET_CODE vector counter (5) as ISSUE, slot 3', () => {
    expect(ksCodeUseOfRecord({ kind: 0x2e, slot: 3, holderId: 0, value: 5 })).toEqual({
      kind: 'code',
      slot: 3,
      issue: 5n,
    });
    expect(ksCodeUseOfRecord({ kind: 0x2f, slot: 250, holderId: 1767258000, value: 0x0401 })).toEqual({
      kind: 'window',
      slot: 250,
      windowStart: 1767258000,
      windowSeconds: 3600,
      windowSlot: 1,
    });
  });
});
