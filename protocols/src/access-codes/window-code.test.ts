import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './constant-time.js';
import type { CodeWindow, KeySafeCodeParams } from './window-code.js';
import {
  issueWindowCode,
  verifyWindowCode,
  WINDOW_ALIGN_SECONDS,
  WINDOW_DURATIONS_SECONDS,
  WINDOW_REASON_HORIZON_SECONDS,
  WINDOW_SLOTS,
  windowUsedKey,
} from './window-code.js';
import { WINDOW_CODE_TEST_KEY_HEX, WINDOW_CODE_VECTORS } from './window-code-vectors.js';

const key = Buffer.from(WINDOW_CODE_TEST_KEY_HEX, 'hex');
const safe: KeySafeCodeParams = { key, serial: 'KS-0001' };
const none: ReadonlySet<string> = new Set();

function issue(params: KeySafeCodeParams, w: CodeWindow): string {
  const r = issueWindowCode(params, w);
  if (!r.ok) throw r.error;
  return r.value;
}

const arbWindow = fc.record({
  windowStart: fc.integer({ min: 1_888_000, max: 2_222_000 }).map((n) => n * WINDOW_ALIGN_SECONDS),
  durationSeconds: fc.constantFrom(...WINDOW_DURATIONS_SECONDS),
  slot: fc.integer({ min: 0, max: WINDOW_SLOTS - 1 }),
});
const arbKey = fc.uint8Array({ minLength: 16, maxLength: 32 });

describe('Baken window codes: golden vectors [OTC SPEC §7]', () => {
  for (const v of WINDOW_CODE_VECTORS) {
    it(`${v.serial} ${v.utc} ${v.durationSeconds}s slot ${v.slot} → ${v.code}`, () => {
      const params = { key, serial: v.serial };
      expect(issue(params, v)).toBe(v.code);
      const verdict = verifyWindowCode(params, v.code, v.windowStart + 60, none);
      expect(verdict).toEqual({
        ok: true,
        windowStart: v.windowStart,
        durationSeconds: v.durationSeconds,
        slot: v.slot,
        windowEnd: v.windowStart + v.durationSeconds,
        usedKey: windowUsedKey(v),
      });
    });
  }
});

describe('window edges: start inclusive, end exclusive [OTC SPEC §4]', () => {
  const w = WINDOW_CODE_VECTORS[0]!;
  it('accepts at the first second and the last second, refuses at the end', () => {
    expect(verifyWindowCode(safe, w.code, w.windowStart, none).ok).toBe(true);
    expect(verifyWindowCode(safe, w.code, w.windowStart + w.durationSeconds - 1, none).ok).toBe(true);
    expect(verifyWindowCode(safe, w.code, w.windowStart + w.durationSeconds - 0.5, none).ok).toBe(true);
    expect(verifyWindowCode(safe, w.code, w.windowStart + w.durationSeconds, none)).toEqual({
      ok: false,
      refused: 'expired',
    });
    expect(verifyWindowCode(safe, w.code, w.windowStart - 1, none)).toEqual({
      ok: false,
      refused: 'not_yet_valid',
    });
  });
  it('beyond the reason horizon a code is simply unknown', () => {
    const late = w.windowStart + w.durationSeconds + WINDOW_REASON_HORIZON_SECONDS + 1;
    expect(verifyWindowCode(safe, w.code, late, none)).toEqual({ ok: false, refused: 'unknown_code' });
    const early = w.windowStart - WINDOW_REASON_HORIZON_SECONDS - 1;
    expect(verifyWindowCode(safe, w.code, early, none)).toEqual({ ok: false, refused: 'unknown_code' });
  });
  it('refuses a used code and malformed input', () => {
    const used = new Set([windowUsedKey(w)]);
    expect(verifyWindowCode(safe, w.code, w.windowStart + 5, used)).toEqual({
      ok: false,
      refused: 'already_used',
    });
    for (const bad of ['', '1234567', '123456789', '1234567a', ' 52691961']) {
      expect(verifyWindowCode(safe, bad, w.windowStart + 5, none)).toEqual({
        ok: false,
        refused: 'malformed',
      });
    }
    expect(verifyWindowCode(safe, w.code, Number.NaN, none)).toEqual({ ok: false, refused: 'malformed' });
    expect(verifyWindowCode(safe, w.code, -5, none)).toEqual({ ok: false, refused: 'malformed' });
    expect(
      verifyWindowCode({ key: key.subarray(0, 15), serial: 'KS-0001' }, w.code, w.windowStart, none),
    ).toEqual({
      ok: false,
      refused: 'malformed',
    });
  });
});

describe('issueWindowCode refuses what a key safe would never search', () => {
  const good = { windowStart: 1767258000, durationSeconds: 3600, slot: 0 };
  it.each([
    ['unaligned start', { ...good, windowStart: good.windowStart + 60 }],
    ['negative start', { ...good, windowStart: -900 }],
    ['odd duration', { ...good, durationSeconds: 3000 }],
    ['slot too high', { ...good, slot: WINDOW_SLOTS }],
    ['fractional slot', { ...good, slot: 0.5 }],
  ])('%s', (_name, w) => {
    const r = issueWindowCode(safe, w);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BAKEN_ERR_CODE_PARAMS');
  });
  it('bad key or serial', () => {
    expect(issueWindowCode({ key: new Uint8Array(8), serial: 'KS' }, good).ok).toBe(false);
    expect(issueWindowCode({ key, serial: '' }, good).ok).toBe(false);
    expect(issueWindowCode({ key, serial: 'x'.repeat(33) }, good).ok).toBe(false);
    expect(issueWindowCode({ key, serial: 'sleutelkluis-é' }, good).ok).toBe(false);
  });
});

describe('window code properties', () => {
  it('a code verifies at every second inside its window, and never outside it', () => {
    fc.assert(
      fc.property(arbKey, arbWindow, fc.double({ min: 0, max: 1, noNaN: true }), (k, w, f) => {
        const params = { key: k, serial: 'KS-P' };
        const code = issue(params, w);
        const inside = w.windowStart + Math.floor(f * (w.durationSeconds - 1));
        const verdict = verifyWindowCode(params, code, inside, none);
        // Another window may by chance carry the same code; what matters is that *a* window opens.
        expect(verdict.ok).toBe(true);
        expect(verifyWindowCode(params, code, w.windowStart - 1 - Math.floor(f * 40_000), none).ok).toBe(
          false,
        );
        expect(
          verifyWindowCode(params, code, w.windowStart + w.durationSeconds + Math.floor(f * 40_000), none).ok,
        ).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('a code never opens twice once its used key is stored', () => {
    fc.assert(
      fc.property(arbKey, arbWindow, (k, w) => {
        const params = { key: k, serial: 'KS-P' };
        const code = issue(params, w);
        const first = verifyWindowCode(params, code, w.windowStart, none);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        const second = verifyWindowCode(params, code, w.windowStart + 1, new Set([first.usedKey]));
        expect(second).toEqual({ ok: false, refused: 'already_used' });
      }),
      { numRuns: 40 },
    );
  });

  it('a code never opens another key safe (other key or other serial)', () => {
    fc.assert(
      fc.property(arbKey, arbKey, arbWindow, (k1, k2, w) => {
        fc.pre(Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0);
        const code = issue({ key: k1, serial: 'KS-A' }, w);
        expect(verifyWindowCode({ key: k2, serial: 'KS-A' }, code, w.windowStart, none).ok).toBe(false);
        expect(verifyWindowCode({ key: k1, serial: 'KS-B' }, code, w.windowStart, none).ok).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('constantTimeEqual', () => {
  it('equals only identical strings, differing lengths are unequal', () => {
    expect(constantTimeEqual('12345678', '12345678')).toBe(true);
    expect(constantTimeEqual('12345678', '12345679')).toBe(false);
    expect(constantTimeEqual('02345678', '12345678')).toBe(false);
    expect(constantTimeEqual('1234567', '12345678')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
  it('is what the verifier compares with (timingSafeEqual over equal-length buffers)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
      }),
    );
  });
});
