import { constantTimeEqual, KsCodeKind, verifyWindowCode } from '@baken/protocols';
import { unhex } from '../hex.js';
import type { NvCodeSlot, NvState } from './nv-state.js';

export type CodeVerdict =
  | { ok: true; slot: number; holderId: number; oneTime: boolean; usedKey: string | null; usedUntil: number }
  | { ok: false; why: 'unknown' | 'blocked' | 'already_used' | 'outside_validity' };

const isBlocked = (nv: NvState, s: NvCodeSlot): boolean =>
  nv.blocks.safe || nv.blocks.slots.includes(s.slot) || nv.blocks.holders.includes(s.holderId);

/**
 * Judges a keypad entry on the device's own clock, offline — [KS-SERIAL §8.3, §8.5], [OTC SPEC §4].
 * PIN slots match by constant-time compare inside their validity; offline-code-key slots match a
 * window code of the access-codes scheme (one-time: the used set refuses a second use).
 */
export function checkCode(nv: NvState, serial: string, code: string, nowSec: number): CodeVerdict {
  let refusal: CodeVerdict = { ok: false, why: 'unknown' };
  for (const s of nv.slots) {
    const inValidity = s.validFrom <= nowSec && nowSec < s.validUntil;
    if (s.codeKind === KsCodeKind.Pin) {
      if (!constantTimeEqual(Buffer.from(unhex(s.material)).toString('latin1'), code)) continue;
      if (isBlocked(nv, s)) return { ok: false, why: 'blocked' };
      if (!inValidity) {
        refusal = { ok: false, why: 'outside_validity' };
        continue;
      }
      return {
        ok: true,
        slot: s.slot,
        holderId: s.holderId,
        oneTime: s.oneTime,
        usedKey: null,
        usedUntil: 0,
      };
    }
    if (s.codeKind === KsCodeKind.OfflineCodeKey) {
      const used = new Set(
        Object.keys(nv.used)
          .filter((k) => k.startsWith(`${s.slot}/`))
          .map((k) => k.slice(k.indexOf('/') + 1)),
      );
      const v = verifyWindowCode({ key: unhex(s.material), serial }, code, nowSec, used);
      if (!v.ok) {
        if (v.refused === 'already_used') refusal = { ok: false, why: 'already_used' };
        else if (v.refused === 'expired' || v.refused === 'not_yet_valid')
          refusal = { ok: false, why: 'outside_validity' };
        continue;
      }
      if (isBlocked(nv, s)) return { ok: false, why: 'blocked' };
      if (!inValidity) {
        refusal = { ok: false, why: 'outside_validity' };
        continue;
      }
      return {
        ok: true,
        slot: s.slot,
        holderId: s.holderId,
        oneTime: s.oneTime,
        usedKey: `${s.slot}/${v.usedKey}`,
        usedUntil: v.windowEnd,
      };
    }
  }
  return refusal;
}
