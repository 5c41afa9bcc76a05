import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KS_DEFAULT_AUTH_POLICY,
  type KsAuthState,
  type KsUnsignedAuthCommand,
  ksSealCodeMaterial,
  ksSignCommand,
  ksVerifyCommand,
} from './command-auth.js';
import { KS_GOLDEN_KEY, KS_GOLDEN_SEALED_PIN, KS_GOLDEN_SERIAL, KS_GOLDEN_T0 } from './golden-vectors.js';
import { ksDecodeMessage, ksEncodeMessage } from './message-codec.js';
import { KsReason } from './message-types.js';
import type { KsAuthCommand } from './messages.js';

const key = KS_GOLDEN_KEY;
const now = KS_GOLDEN_T0;
const state: KsAuthState = { serial: KS_GOLDEN_SERIAL, lastCounter: 10n, clockValid: true };

function signed(over: Partial<KsUnsignedAuthCommand['auth']> = {}, cmd?: Partial<KsUnsignedAuthCommand>) {
  const base = {
    kind: 'open_now',
    holderId: 1042,
    unlockSeconds: 10,
    ...cmd,
    auth: { targetSerial: KS_GOLDEN_SERIAL, counter: 11n, issuedAt: now, expiresAt: now + 120, ...over },
  } as KsUnsignedAuthCommand;
  const r = ksSignCommand(base, key);
  if (!r.ok) throw r.error;
  return r.value;
}
const timeSync = (newTime: number, counter = 11n) =>
  signed({ counter }, { kind: 'time_sync', newTime } as Partial<KsUnsignedAuthCommand>);

describe('ksVerifyCommand [KS-SERIAL §8.7]', () => {
  it('accepts a fresh, signed command and advances the counter', () => {
    const r = ksVerifyCommand(state, signed(), now, key);
    expect(r).toEqual({ accept: true, newState: { ...state, lastCounter: 11n } });
  });

  it('refuses a replay of an accepted command (COUNTER_REPLAY)', () => {
    const cmd = signed();
    const first = ksVerifyCommand(state, cmd, now, key);
    if (!first.accept) throw new Error('first must be accepted');
    const again = ksVerifyCommand(first.newState, cmd, now + 1, key);
    expect(again).toMatchObject({ accept: false, refuse: KsReason.CounterReplay });
  });

  it('refuses a reordered command (lower counter after a higher one)', () => {
    const later = ksVerifyCommand(state, signed({ counter: 13n }), now, key);
    if (!later.accept) throw new Error('must accept');
    const earlier = ksVerifyCommand(later.newState, signed({ counter: 12n }), now, key);
    expect(earlier).toMatchObject({ accept: false, refuse: KsReason.CounterReplay });
  });

  it('refuses any altered byte of the encoded command (BAD_MAC or WRONG_DEVICE, never accept)', () => {
    const frame = ksEncodeMessage(signed(), 1);
    if (!frame.ok) throw frame.error;
    const payload = frame.value.payload;
    fc.assert(
      fc.property(fc.nat({ max: payload.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const altered = payload.slice();
        altered[i] = altered[i]! ^ mask;
        const msg = ksDecodeMessage({ ...frame.value, payload: altered });
        if (!msg.ok) return; // a malformed command never reaches the verifier
        const r = ksVerifyCommand(state, msg.value as KsAuthCommand, now, key);
        expect(r.accept).toBe(false);
        if (!r.accept) expect([KsReason.BadMac, KsReason.WrongDevice]).toContain(r.refuse);
      }),
    );
  });

  it('refuses an altered body field, a wrong key and a short MAC with BAD_MAC', () => {
    const cmd = signed();
    const altered = { ...cmd, holderId: 1043 } as KsAuthCommand;
    expect(ksVerifyCommand(state, altered, now, key)).toMatchObject({ refuse: KsReason.BadMac });
    expect(ksVerifyCommand(state, cmd, now, new Uint8Array(32))).toMatchObject({ refuse: KsReason.BadMac });
    const shortMac = { ...cmd, auth: { ...cmd.auth, mac: cmd.auth.mac.slice(0, 8) } } as KsAuthCommand;
    expect(ksVerifyCommand(state, shortMac, now, key)).toMatchObject({ refuse: KsReason.BadMac });
    const outOfRange = { ...cmd, holderId: -1 } as KsAuthCommand;
    expect(ksVerifyCommand(state, outOfRange, now, key)).toMatchObject({ refuse: KsReason.BadMac });
  });

  it('refuses a command for another key safe (WRONG_DEVICE)', () => {
    const r = ksVerifyCommand(state, signed({ targetSerial: 'KS-0002' }), now, key);
    expect(r).toMatchObject({ accept: false, refuse: KsReason.WrongDevice });
  });

  it('refuses expired and not-yet-valid commands, honouring the skew allowance', () => {
    const cmd = signed();
    expect(ksVerifyCommand(state, cmd, now + 121, key)).toMatchObject({ refuse: KsReason.Expired });
    expect(ksVerifyCommand(state, cmd, now + 120, key).accept).toBe(true);
    const skew = KS_DEFAULT_AUTH_POLICY.maxSkew;
    expect(ksVerifyCommand(state, cmd, now - skew - 1, key)).toMatchObject({ refuse: KsReason.NotYetValid });
    expect(ksVerifyCommand(state, cmd, now - skew, key).accept).toBe(true);
  });

  it('refuses an over-long or inverted validity window', () => {
    const long = signed({ expiresAt: now + KS_DEFAULT_AUTH_POLICY.maxValidity + 1 });
    expect(ksVerifyCommand(state, long, now, key)).toMatchObject({ refuse: KsReason.ValidityTooLong });
    const inverted = signed({ expiresAt: now - 1 });
    expect(ksVerifyCommand(state, inverted, now, key)).toMatchObject({ refuse: KsReason.ValidityTooLong });
  });

  it('bounds the TIME_SYNC step while the clock is valid', () => {
    const step = KS_DEFAULT_AUTH_POLICY.maxTimeStep;
    expect(ksVerifyCommand(state, timeSync(now + step), now, key).accept).toBe(true);
    expect(ksVerifyCommand(state, timeSync(now - step - 1), now, key)).toMatchObject({
      refuse: KsReason.TimeStepTooLarge,
    });
    expect(ksVerifyCommand(state, timeSync(now + 86_400 * 30), now, key)).toMatchObject({
      refuse: KsReason.TimeStepTooLarge,
    });
  });

  it('with the clock not set accepts only TIME_SYNC (any step, counter still enforced)', () => {
    const lost: KsAuthState = { ...state, clockValid: false };
    expect(ksVerifyCommand(lost, signed(), 0, key)).toMatchObject({ refuse: KsReason.ClockNotSet });
    const sync = ksVerifyCommand(lost, timeSync(now), 0, key);
    expect(sync).toEqual({ accept: true, newState: { ...state, lastCounter: 11n, clockValid: true } });
    expect(ksVerifyCommand(lost, timeSync(now, 10n), 0, key)).toMatchObject({
      refuse: KsReason.CounterReplay,
    });
  });

  it('refuses to sign a command with out-of-range fields', () => {
    const r = ksSignCommand(
      {
        kind: 'revoke',
        slot: 300,
        holderId: 0,
        auth: { targetSerial: KS_GOLDEN_SERIAL, counter: 1n, issuedAt: 0, expiresAt: 1 },
      },
      key,
    );
    expect(!r.ok && r.error.detail['field']).toBe('slot');
  });
});

describe('ksSealCodeMaterial [KS-SERIAL §8.3]', () => {
  const pin = new TextEncoder().encode(KS_GOLDEN_SEALED_PIN.plain);
  it('matches the golden sealed PIN and unseals back (XOR is its own inverse)', () => {
    const sealed = ksSealCodeMaterial(key, KS_GOLDEN_SERIAL, KS_GOLDEN_SEALED_PIN.counter, pin);
    expect(sealed).toEqual({ ok: true, value: KS_GOLDEN_SEALED_PIN.sealed });
    const opened = ksSealCodeMaterial(key, KS_GOLDEN_SERIAL, 5n, KS_GOLDEN_SEALED_PIN.sealed);
    expect(opened).toEqual({ ok: true, value: pin });
  });
  it('uses a different keystream for another counter and refuses bad sizes', () => {
    const a = ksSealCodeMaterial(key, KS_GOLDEN_SERIAL, 6n, pin);
    expect(a.ok && a.value).not.toEqual(KS_GOLDEN_SEALED_PIN.sealed);
    expect(ksSealCodeMaterial(key, KS_GOLDEN_SERIAL, 6n, new Uint8Array(33)).ok).toBe(false);
    expect(ksSealCodeMaterial(key, '', 6n, pin).ok).toBe(false);
    expect(ksSealCodeMaterial(key, KS_GOLDEN_SERIAL, -1n, pin).ok).toBe(false);
  });
});
