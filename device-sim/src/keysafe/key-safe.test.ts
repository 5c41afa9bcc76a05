import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware';
import { issueWindowCode, KsAuditKind, KsReason, ksVerifyAuditChain } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit-log.js';
import { createKsRig, RIG_KEY, RIG_SERIAL } from './ks-test-rig.js';
import { FileNvStore } from './nv-store.js';

const CODE_KEY = new Uint8Array(20).fill(0x5a);
const params = { key: CODE_KEY, serial: RIG_SERIAL };

function windowCode(start: number, duration = 900, slot = 0): string {
  const r = issueWindowCode(params, { windowStart: start, durationSeconds: duration, slot });
  if (!r.ok) throw r.error;
  return r.value;
}

const aligned = (t: number): number => t - (t % 900);

describe('key safe over KS-SERIAL (mock cable, mock clock)', () => {
  it('sends HELLO at boot and answers a status poll', async () => {
    const rig = await createKsRig();
    expect(rig.host.received[0]).toMatchObject({ kind: 'hello', serial: RIG_SERIAL, protocolMajor: 1 });
    rig.host.send({ kind: 'status_poll' });
    await rig.settle();
    expect(rig.host.received.at(-1)).toMatchObject({ kind: 'status', lastCounter: 0n, auditHeadSeq: 2 });
  });

  it('executes an authenticated open once and refuses the recorded frame when replayed', async () => {
    const rig = await createKsRig();
    let executed = 0;
    rig.safe.on('executed', () => executed++);
    const open = rig.host.sign(
      { kind: 'open_now', holderId: 7, unlockSeconds: 5 },
      { deviceNow: rig.deviceNow() },
    );
    expect(await rig.command(open)).toBe(0);
    expect(rig.safe.unlocked).toBe(true);
    // Master Lock D1000: an attacker records the open frame and sends it again later.
    expect(await rig.command(open)).toBe(KsReason.CounterReplay);
    expect(executed).toBe(1);
    const refused = auditRecords(rig.safe.nv).filter((r) => r.kind === KsAuditKind.CommandRefused);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.value).toBe((0x40 << 8) | KsReason.CounterReplay);
  });

  it('refuses altered, expired and wrong-key commands with their reason codes, auditing each', async () => {
    const rig = await createKsRig();
    const now = rig.deviceNow();
    const good = rig.host.sign({ kind: 'open_now', holderId: 7, unlockSeconds: 5 }, { deviceNow: now });
    const altered = { ...good, holderId: 8 };
    expect(await rig.command(altered)).toBe(KsReason.BadMac);
    const forged = rig.host.sign(
      { kind: 'open_now', holderId: 7, unlockSeconds: 5 },
      { deviceNow: now, key: new Uint8Array(32) },
    );
    expect(await rig.command(forged)).toBe(KsReason.BadMac);
    const expired = rig.host.sign(
      { kind: 'open_now', holderId: 7, unlockSeconds: 5 },
      { deviceNow: now - 600, validity: 120 },
    );
    expect(await rig.command(expired)).toBe(KsReason.Expired);
    expect(rig.safe.unlocked).toBe(false);
    expect(auditRecords(rig.safe.nv).filter((r) => r.kind === KsAuditKind.CommandRefused)).toHaveLength(3);
  });

  it('a revoked person’s code is refused', async () => {
    const rig = await createKsRig();
    expect(await rig.setOfflineKey(3, 1042, CODE_KEY)).toBe(0);
    const now = rig.deviceNow();
    const revoke = rig.host.sign({ kind: 'revoke', slot: 0xff, holderId: 1042 }, { deviceNow: now });
    expect(await rig.command(revoke)).toBe(0);
    expect(rig.safe.enterCode(windowCode(aligned(now)))).toBe('rejected');
    expect(rig.safe.unlocked).toBe(false);
  });

  it('refuses unauthenticated or too-large time steps; codes are still judged on the device clock', async () => {
    const rig = await createKsRig();
    await rig.setOfflineKey(1, 5, CODE_KEY);
    const now = rig.deviceNow();
    const back = rig.host.sign(
      { kind: 'time_sync', newTime: now - 3 * 86_400 },
      { deviceNow: now, key: new Uint8Array(32) },
    );
    expect(await rig.command(back)).toBe(KsReason.BadMac);
    const jump = rig.host.sign({ kind: 'time_sync', newTime: now + 86_400 }, { deviceNow: now });
    expect(await rig.command(jump)).toBe(KsReason.TimeStepTooLarge);
    expect(Math.abs(rig.deviceNow() - now)).toBeLessThanOrEqual(1);
    // A code for a window 3 days ago (what the attacker wanted to revive) stays refused.
    expect(rig.safe.enterCode(windowCode(aligned(now - 3 * 86_400)))).toBe('rejected');
    expect(rig.safe.enterCode(windowCode(aligned(now)))).toBe('accepted');
    const small = rig.host.sign({ kind: 'time_sync', newTime: now + 200 }, { deviceNow: now });
    expect(await rig.command(small)).toBe(0);
    expect(rig.deviceNow()).toBe(now + 200);
  });

  it('the audit chain read back verifies, and a forged or suppressed entry is flagged', async () => {
    const rig = await createKsRig();
    rig.safe.openDoor();
    rig.safe.closeDoor();
    rig.safe.enterCode('00000000');
    const records = auditRecords(rig.safe.nv);
    expect(records.length).toBeGreaterThanOrEqual(4);
    expect(ksVerifyAuditChain(records, RIG_KEY).ok).toBe(true);
    const forged = records.map((r, i) => (i === 1 ? { ...r, kind: 0x20 } : r));
    expect(ksVerifyAuditChain(forged, RIG_KEY)).toMatchObject({ ok: false, index: 1, fault: 'bad_mac' });
    const suppressed = records.filter((_, i) => i !== 1);
    expect(ksVerifyAuditChain(suppressed, RIG_KEY)).toMatchObject({ ok: false, index: 1, fault: 'gap' });
    rig.host.send({ kind: 'read_audit', fromSeq: 1, maxRecords: 7 });
    await rig.settle();
    const reply = rig.host.received.at(-1);
    expect(reply?.kind).toBe('audit_records');
    if (reply?.kind === 'audit_records') expect(ksVerifyAuditChain(reply.records, RIG_KEY).ok).toBe(true);
  });
});

describe('bounded audit buffer', () => {
  it('keeps the newest records only; the server sees the overwritten ones as a gap', async () => {
    const rig = await createKsRig({ auditCapacity: 5 });
    for (let i = 0; i < 6; i++) rig.safe.enterCode('00000000');
    const records = auditRecords(rig.safe.nv);
    // POWER_ON 1, CLOCK_REPORT 2, five CODE_REJECTED 3..7, LOCKOUT_STARTED 8 (the 6th entry is
    // ignored while locked out); the ring keeps the newest 5.
    expect(records.map((r) => r.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(ksVerifyAuditChain(records, RIG_KEY)).toMatchObject({ ok: false, fault: 'gap', index: 0 });
    const all = auditRecords(rig.safe.nv);
    const anchorFree = ksVerifyAuditChain(all.slice(1), RIG_KEY, {
      seq: 4,
      mac: all[0]?.mac ?? new Uint8Array(16),
    });
    expect(anchorFree.ok).toBe(true);
  });
});

describe('window codes and lockout on the key safe', () => {
  it('opens inside its window, refused after it, second use refused, used set survives power loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-ks-'));
    const nv = new FileNvStore(join(dir, 'nv.json'));
    const rig = await createKsRig({ nv });
    await rig.setOfflineKey(2, 77, CODE_KEY);
    const start = aligned(rig.deviceNow());
    const code = windowCode(start);
    expect(rig.safe.enterCode(code)).toBe('accepted');
    rig.safe.powerOff();
    rig.safe.powerOn();
    expect(rig.safe.enterCode(code)).toBe('rejected');
    const later = windowCode(start, 1800, 1);
    await rig.clock.advanceAsync(1800 * 1000);
    expect(rig.safe.enterCode(later)).toBe('rejected');
    expect(rig.safe.nv.lastCounter).toBe('1');
  });

  it('locks out after 5 wrong codes, with a doubling back-off, and reports it', async () => {
    const rig = await createKsRig({ lockoutSeconds: 60 });
    await rig.setOfflineKey(1, 5, CODE_KEY);
    for (let i = 0; i < 5; i++) expect(rig.safe.enterCode('11111111')).toBe('rejected');
    expect(rig.safe.enterCode(windowCode(aligned(rig.deviceNow())))).toBe('locked_out');
    await rig.clock.advanceAsync(61_000);
    for (let i = 0; i < 5; i++) rig.safe.enterCode('11111111');
    await rig.clock.advanceAsync(61_000);
    expect(rig.safe.enterCode('11111111')).toBe('locked_out');
    await rig.clock.advanceAsync(60_000);
    await rig.settle();
    const kinds = rig.host.received.map((m) => m.kind);
    const lockouts = rig.host.received.filter((m) => m.kind === 'lockout_started');
    expect(lockouts.map((m) => (m.kind === 'lockout_started' ? m.until - m.deviceTime : 0))).toEqual([
      60, 120,
    ]);
    expect(kinds.filter((k) => k === 'lockout_ended')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'code_rejected')).toHaveLength(10);
  });

  it('drift: a fast RTC is seen by the window check (device clock, not host clock)', async () => {
    const clock = new MockClock();
    const rig = await createKsRig({ clock, drift: { offsetSeconds: 1800 } });
    await rig.setOfflineKey(1, 5, CODE_KEY);
    const hostStart = aligned(Math.floor(clock.now() / 1000));
    expect(rig.safe.enterCode(windowCode(hostStart))).toBe('rejected');
    expect(rig.safe.enterCode(windowCode(aligned(rig.deviceNow())))).toBe('accepted');
  });
});
