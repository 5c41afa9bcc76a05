import { describe, expect, it } from 'vitest';
import { ksVerifyCommand } from './command-auth.js';
import {
  KS_GOLDEN_INSTALL_SECRET,
  KS_GOLDEN_KEY,
  KS_GOLDEN_SERIAL,
  KS_GOLDEN_T0,
  KS_GOLDEN_VECTORS,
} from './golden-vectors.js';
import {
  type KsInstallState,
  type KsKeyInstall,
  ksBuildKeyInstall,
  ksInstallationCode,
  ksParseInstallationCode,
  ksVerifyKeyInstall,
} from './key-install.js';
import { KsReason } from './message-types.js';

const I = KS_GOLDEN_INSTALL_SECRET;
const now = KS_GOLDEN_T0;
const state: KsInstallState = {
  serial: KS_GOLDEN_SERIAL,
  installCounter: 0n,
  clockValid: true,
  pairing: true,
};
const build = (over: Partial<Parameters<typeof ksBuildKeyInstall>[0]> = {}): KsKeyInstall => {
  const r = ksBuildKeyInstall({
    serial: KS_GOLDEN_SERIAL,
    counter: 1_767_225_600_000n,
    issuedAt: now,
    expiresAt: now + 300,
    key: KS_GOLDEN_KEY,
    installSecret: I,
    ...over,
  });
  if (!r.ok) throw r.error;
  return r.value;
};

describe('KEY_INSTALL [KS-SERIAL §8.8]', () => {
  it('is the golden vector, and the device unwraps exactly K from it', () => {
    const golden = KS_GOLDEN_VECTORS.find((v) => v.name === 'key_install')!.message;
    expect(build()).toEqual(golden);
    const v = ksVerifyKeyInstall(state, build(), now, I);
    expect(v).toEqual({ accept: true, key: KS_GOLDEN_KEY, installCounter: 1_767_225_600_000n });
  });

  it('the home unit relaying it learns nothing of K: the wrapped bytes are not K', () => {
    expect(Buffer.from(build().wrappedKey).equals(Buffer.from(KS_GOLDEN_KEY))).toBe(false);
  });

  it('refuses outside the pairing window, under another secret, a replay, another device, and when expired', () => {
    const refuse = (s: Partial<KsInstallState>, cmd = build(), secret = I, t = now) => {
      const v = ksVerifyKeyInstall({ ...state, ...s }, cmd, t, secret);
      return v.accept ? 0 : v.refuse;
    };
    expect(refuse({ pairing: false })).toBe(KsReason.NotPairing);
    expect(refuse({}, build(), new Uint8Array(16))).toBe(KsReason.BadMac);
    expect(refuse({}, { ...build(), wrappedKey: new Uint8Array(32) })).toBe(KsReason.BadMac);
    expect(refuse({ installCounter: 1_767_225_600_000n })).toBe(KsReason.CounterReplay);
    expect(refuse({ serial: 'KS-0002' })).toBe(KsReason.WrongDevice);
    expect(refuse({}, build(), I, now + 301)).toBe(KsReason.Expired);
    // an RTC that lost power: no time to check against; the counter still refuses replays
    expect(refuse({ clockValid: false }, build(), I, 0)).toBe(0);
  });

  it('is never accepted as a command under K', () => {
    const v = ksVerifyCommand(
      { serial: KS_GOLDEN_SERIAL, lastCounter: 0n, clockValid: true },
      build(),
      now,
      KS_GOLDEN_KEY,
    );
    expect(v.accept).toBe(false);
  });

  it('the installation code reads back as typed, with or without dashes', () => {
    const code = ksInstallationCode(I);
    expect(code).toBe('4041-4243-4445-4647-4849-4a4b-4c4d-4e4f');
    for (const typed of [code, code.toUpperCase(), code.replace(/-/g, ' '), code.replace(/-/g, '')]) {
      const r = ksParseInstallationCode(typed);
      expect(r.ok && Buffer.from(r.value).equals(Buffer.from(I))).toBe(true);
    }
    expect(ksParseInstallationCode('4041-4243').ok).toBe(false);
    expect(ksParseInstallationCode('zz41-4243-4445-4647-4849-4a4b-4c4d-4e4f').ok).toBe(false);
  });
});
