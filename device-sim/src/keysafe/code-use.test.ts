import { issueWindowCode, KsCodeKind, type KsEvent, ksCodeUseOfRecord } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit-log.js';
import { createKsRig, RIG_SERIAL } from './ks-test-rig.js';

const CODE_KEY = new Uint8Array(20).fill(0x5a);

describe('a used code names the issued code [KS-SERIAL §7.1]', () => {
  it('a PIN: CODE_USED with the ISSUE (counter) of the SET_CODE that wrote the slot, in the event and the record', async () => {
    const rig = await createKsRig();
    const events: KsEvent[] = [];
    rig.safe.on('event', (e) => events.push(e));
    const now = rig.deviceNow();
    const pin = (text: string) => {
      const counter = rig.host.nextCounter();
      const set = rig.host.sign(
        {
          kind: 'set_code',
          slot: 4,
          holderId: 1042,
          validFrom: now - 60,
          validUntil: now + 900,
          codeKind: KsCodeKind.Pin,
          oneTime: true,
          sealed: rig.host.seal(counter, new TextEncoder().encode(text)),
        },
        { counter, deviceNow: now },
      );
      return { counter, set };
    };
    const a = pin('11112222');
    expect(await rig.command(a.set)).toBe(0);
    expect(rig.safe.enterCode('11112222')).toBe('accepted');
    // the slot is written again for the same holder: the next use names the new issue
    const b = pin('33334444');
    expect(await rig.command(b.set)).toBe(0);
    expect(rig.safe.enterCode('33334444')).toBe('accepted');
    const uses = events.filter((e) => e.kind === 'code_used');
    expect(uses).toEqual([
      expect.objectContaining({ slot: 4, holderId: 1042, issue: a.counter }),
      expect.objectContaining({ slot: 4, holderId: 1042, issue: b.counter }),
    ]);
    const records = auditRecords(rig.safe.nv).filter((r) => ksCodeUseOfRecord(r) !== null);
    expect(records.map((r) => r.seq)).toEqual(uses.map((e) => e.eventSeq));
    expect(records.map((r) => ksCodeUseOfRecord(r))).toEqual([
      { kind: 'code', slot: 4, issue: a.counter },
      { kind: 'code', slot: 4, issue: b.counter },
    ]);
  });

  it('a window code: WINDOW_CODE_USED with the key slot, its issue and the code’s window', async () => {
    const rig = await createKsRig();
    const events: KsEvent[] = [];
    rig.safe.on('event', (e) => events.push(e));
    expect(await rig.setOfflineKey(250, 0, CODE_KEY)).toBe(0);
    const now = rig.deviceNow();
    const windowStart = now - (now % 900);
    const code = issueWindowCode(
      { key: CODE_KEY, serial: RIG_SERIAL },
      { windowStart, durationSeconds: 1800, slot: 2 },
    );
    if (!code.ok) throw code.error;
    expect(rig.safe.enterCode(code.value)).toBe('accepted');
    expect(events.at(-1)).toMatchObject({
      kind: 'window_code_used',
      slot: 250,
      keyIssue: 1n,
      windowStart,
      windowSeconds: 1800,
      windowSlot: 2,
    });
    const rec = auditRecords(rig.safe.nv).at(-1)!;
    expect(ksCodeUseOfRecord(rec)).toEqual({
      kind: 'window',
      slot: 250,
      windowStart,
      windowSeconds: 1800,
      windowSlot: 2,
    });
  });
});
