import {
  KS_AUDIT_MAC_SIZE,
  KsAuditKind,
  KsCapability,
  KsReason,
  KsStatusFlag,
  ksBuildKeyInstall,
  ksVerifyAuditChain,
} from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { auditRecords } from './audit-log.js';
import { createKsRig, RIG_KEY, RIG_SERIAL } from './ks-test-rig.js';

const I = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** A factory-fresh safe: an installation secret, no K. The test host signs with RIG_KEY (the new K). */
async function freshSafe() {
  const rig = await createKsRig({ key: undefined, installSecret: I });
  let installCounter = 1_767_000_000_000n;
  const keyInstall = (secret = I) => {
    installCounter += 1000n;
    const now = rig.deviceNow();
    const r = ksBuildKeyInstall({
      serial: RIG_SERIAL,
      counter: installCounter,
      issuedAt: now,
      expiresAt: now + 120,
      key: RIG_KEY,
      installSecret: secret,
    });
    if (!r.ok) throw r.error;
    return r.value;
  };
  return { rig, keyInstall };
}

describe('KEY_INSTALL on the simulated key safe [KS-SERIAL §8.8]', () => {
  it('a fresh safe refuses commands until it has K; the key installs only in the pairing window', async () => {
    const { rig, keyInstall } = await freshSafe();
    expect(rig.host.received[0]).toMatchObject({ kind: 'hello', protocolMinor: 2 });
    const hello = rig.host.received[0] as { capabilities: number };
    expect(hello.capabilities & KsCapability.PairingButton).not.toBe(0);
    const open = () =>
      rig.host.sign({ kind: 'open_now', holderId: 1, unlockSeconds: 5 }, { deviceNow: rig.deviceNow() });
    expect(await rig.command(open())).toBe(KsReason.NoKey);
    expect(await rig.command(keyInstall())).toBe(KsReason.NotPairing);
    expect(await rig.command(keyInstall(new Uint8Array(16)))).toBe(KsReason.BadMac);
    rig.safe.pressPairingButton();
    expect(rig.safe.statusFlags() & KsStatusFlag.Pairing).not.toBe(0);
    const install = keyInstall();
    expect(await rig.command(install)).toBe(0);
    // the window closes with the install; the command counter starts over under the new K
    expect(rig.safe.statusFlags() & KsStatusFlag.Pairing).toBe(0);
    expect(rig.safe.nv.lastCounter).toBe('0');
    expect(await rig.command(open())).toBe(0);
    expect(rig.safe.unlocked).toBe(true);
    // a recorded KEY_INSTALL cannot roll the key back, even in a new pairing window
    rig.safe.pressPairingButton();
    expect(await rig.command(install)).toBe(KsReason.CounterReplay);
  });

  it('KEY_INSTALLED starts a chain under the new K that the server verifies from zeros', async () => {
    const { rig, keyInstall } = await freshSafe();
    rig.safe.pressPairingButton();
    expect(await rig.command(keyInstall())).toBe(0);
    rig.safe.setBattery(80);
    const records = auditRecords(rig.safe.nv);
    const at = records.findIndex((r) => r.kind === KsAuditKind.KeyInstalled);
    expect(at).toBeGreaterThan(0);
    const start = records[at]!;
    const anchor = { seq: start.seq - 1, mac: new Uint8Array(KS_AUDIT_MAC_SIZE) };
    expect(ksVerifyAuditChain(records.slice(at), RIG_KEY, anchor).ok).toBe(true);
    // the records before it were not made under K
    expect(ksVerifyAuditChain(records.slice(0, at), RIG_KEY).ok).toBe(false);
  });

  it('the key survives power loss; a factory-keyed safe without a secret cannot be re-keyed', async () => {
    const { rig, keyInstall } = await freshSafe();
    rig.safe.pressPairingButton();
    expect(await rig.command(keyInstall())).toBe(0);
    rig.safe.powerOff();
    rig.safe.powerOn();
    await rig.settle();
    const open = rig.host.sign(
      { kind: 'open_now', holderId: 1, unlockSeconds: 5 },
      { deviceNow: rig.deviceNow() },
    );
    expect(await rig.command(open)).toBe(0);

    const factory = await createKsRig();
    factory.safe.pressPairingButton();
    expect(await factory.command(keyInstall())).not.toBe(0);
  });
});
