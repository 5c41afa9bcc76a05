import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KS_AUDIT_GENESIS,
  type KsAuditRecord,
  type KsAuditRecordBody,
  ksDecodeAuditRecord,
  ksEncodeAuditRecord,
  ksSealAuditRecord,
  ksVerifyAuditChain,
} from './audit-record.js';
import { KS_GOLDEN_KEY, KS_GOLDEN_T0 } from './golden-vectors.js';

const key = KS_GOLDEN_KEY;

function chain(n: number, from = KS_AUDIT_GENESIS): KsAuditRecord[] {
  const out: KsAuditRecord[] = [];
  let prev = from;
  for (let i = 0; i < n; i++) {
    const body: KsAuditRecordBody = {
      seq: prev.seq + 1,
      deviceTime: KS_GOLDEN_T0 + 60 * i,
      kind: 0x25,
      slot: i % 4,
      holderId: 1000 + i,
      value: 0,
    };
    const rec = ksSealAuditRecord(key, prev, body);
    out.push(rec);
    prev = rec;
  }
  return out;
}

describe('audit records [KS-SERIAL §10]', () => {
  it('encode/decode round-trip exactly 32 bytes', () => {
    for (const rec of chain(3)) {
      const enc = ksEncodeAuditRecord(rec);
      if (!enc.ok) throw enc.error;
      expect(enc.value.length).toBe(32);
      expect(ksDecodeAuditRecord(enc.value)).toEqual({ ok: true, value: rec });
    }
    expect(ksDecodeAuditRecord(new Uint8Array(31)).ok).toBe(false);
    expect(ksEncodeAuditRecord({ ...chain(1)[0]!, slot: 256 }).ok).toBe(false);
  });

  it('verifies an intact chain and returns the anchor to resume from', () => {
    const recs = chain(6);
    const all = ksVerifyAuditChain(recs, key);
    expect(all).toEqual({ ok: true, anchor: { seq: 6, mac: recs[5]!.mac } });
    const first = ksVerifyAuditChain(recs.slice(0, 3), key);
    if (!first.ok) throw new Error('must verify');
    expect(ksVerifyAuditChain(recs.slice(3), key, first.anchor).ok).toBe(true);
    expect(ksVerifyAuditChain([], key)).toEqual({ ok: true, anchor: KS_AUDIT_GENESIS });
  });

  it('detects an altered field at its index (bad_mac)', () => {
    const recs = chain(5);
    const fields = ['deviceTime', 'kind', 'slot', 'holderId', 'value'] as const;
    fc.assert(
      fc.property(fc.nat({ max: 4 }), fc.constantFrom(...fields), (i, field) => {
        const tampered = recs.map((r) => ({ ...r }));
        const rec = tampered[i]!;
        rec[field] = (rec[field] + 1) % 256;
        expect(ksVerifyAuditChain(tampered, key)).toMatchObject({ ok: false, index: i, fault: 'bad_mac' });
      }),
    );
  });

  it('detects a deleted record (gap) at the index after it', () => {
    const recs = chain(5);
    const without = [...recs.slice(0, 2), ...recs.slice(3)];
    expect(ksVerifyAuditChain(without, key)).toEqual({ ok: false, index: 2, fault: 'gap', expectedSeq: 3 });
  });

  it('detects a deleted-and-renumbered record (bad_mac) and suppression of the oldest', () => {
    const recs = chain(4);
    const renumbered = [recs[0]!, { ...recs[2]!, seq: 2 }, recs[3]!];
    expect(ksVerifyAuditChain(renumbered, key)).toMatchObject({ ok: false, index: 1, fault: 'bad_mac' });
    expect(ksVerifyAuditChain(recs.slice(1), key)).toMatchObject({ ok: false, index: 0, fault: 'gap' });
  });

  it('detects reordered records', () => {
    const recs = chain(4);
    const swapped = [recs[0]!, recs[2]!, recs[1]!, recs[3]!];
    // Record 3 arriving where 2 is due is a gap; 2 after 3 is a reorder — either way index 1.
    expect(ksVerifyAuditChain(swapped, key)).toMatchObject({ ok: false, index: 1 });
    const dup = [recs[0]!, recs[1]!, recs[1]!];
    expect(ksVerifyAuditChain(dup, key)).toMatchObject({ ok: false, index: 2, fault: 'reordered' });
  });

  it('detects a forged record made without the key, and a chain from another key', () => {
    const recs = chain(3);
    const forged = ksSealAuditRecord(new Uint8Array(32).fill(7), recs[1]!, {
      seq: 3,
      deviceTime: KS_GOLDEN_T0,
      kind: 0x20,
      slot: 0,
      holderId: 0,
      value: 0,
    });
    expect(ksVerifyAuditChain([recs[0]!, recs[1]!, forged], key)).toMatchObject({
      ok: false,
      index: 2,
      fault: 'bad_mac',
    });
    expect(ksVerifyAuditChain(recs, new Uint8Array(32))).toMatchObject({
      ok: false,
      index: 0,
      fault: 'bad_mac',
    });
    const badMacLen = [{ ...recs[0]!, mac: recs[0]!.mac.slice(0, 8) }];
    expect(ksVerifyAuditChain(badMacLen, key)).toMatchObject({ ok: false, index: 0, fault: 'bad_mac' });
  });
});
