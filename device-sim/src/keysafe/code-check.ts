import { constantTimeEqual, KsCodeKind, verifyWindowCode } from '@baken/protocols';
import { unhex } from '../hex.js';
import type { NvCodeSlot, NvState } from './nv-state.js';

/** The window a window code belongs to [OTC SPEC §2.1]. */
export interface UsedWindow {
  windowStart: number;
  durationSeconds: number;
  slot: number;
}

export type CodeVerdict =
  | {
      ok: true;
      slot: number;
      holderId: number;
      oneTime: boolean;
      usedKey: string | null;
      usedUntil: number;
      /** The slot's ISSUE [KS-SERIAL §7.1]. */
      issue: bigint;
      /** Set for a window code: which window and window slot it was. */
      window: UsedWindow | null;
    }
  | { ok: false; why: 'unknown' | 'blocked' | 'already_used' | 'outside_validity' };

const isBlocked = (nv: NvState, s: NvCodeSlot): boolean =>
  nv.blocks.safe || nv.blocks.slots.includes(s.slot) || nv.blocks.holders.includes(s.holderId);

type SlotMatch =
  | { usedKey: string | null; usedUntil: number; window: UsedWindow | null }
  | { refused: 'already_used' | 'outside_validity' | null };

/** Does `code` match slot `s`'s material, ignoring blocks and the slot's own validity? */
function matchSlot(nv: NvState, s: NvCodeSlot, serial: string, code: string, nowSec: number): SlotMatch {
  if (s.codeKind === KsCodeKind.Pin) {
    const same = constantTimeEqual(Buffer.from(unhex(s.material)).toString('latin1'), code);
    return same ? { usedKey: null, usedUntil: 0, window: null } : { refused: null };
  }
  if (s.codeKind !== KsCodeKind.OfflineCodeKey) return { refused: null };
  const used = new Set(
    Object.keys(nv.used)
      .filter((k) => k.startsWith(`${s.slot}/`))
      .map((k) => k.slice(k.indexOf('/') + 1)),
  );
  const v = verifyWindowCode({ key: unhex(s.material), serial }, code, nowSec, used);
  if (v.ok) {
    const window = { windowStart: v.windowStart, durationSeconds: v.durationSeconds, slot: v.slot };
    return { usedKey: `${s.slot}/${v.usedKey}`, usedUntil: v.windowEnd, window };
  }
  if (v.refused === 'already_used') return { refused: 'already_used' };
  if (v.refused === 'expired' || v.refused === 'not_yet_valid') return { refused: 'outside_validity' };
  return { refused: null };
}

/**
 * Judges a keypad entry on the device's own clock, offline — [KS-SERIAL §8.3, §8.5], [OTC SPEC §4].
 * PIN slots match by constant-time compare inside their validity; offline-code-key slots match a
 * window code of the access-codes scheme (one-time: the used set refuses a second use). A matching
 * code is then refused if blocked or outside its slot's validity; otherwise the last refusal wins.
 */
export function checkCode(nv: NvState, serial: string, code: string, nowSec: number): CodeVerdict {
  let refusal: CodeVerdict = { ok: false, why: 'unknown' };
  for (const s of nv.slots) {
    const match = matchSlot(nv, s, serial, code, nowSec);
    if ('refused' in match) {
      if (match.refused !== null) refusal = { ok: false, why: match.refused };
      continue;
    }
    if (isBlocked(nv, s)) return { ok: false, why: 'blocked' };
    if (!(s.validFrom <= nowSec && nowSec < s.validUntil)) {
      refusal = { ok: false, why: 'outside_validity' };
      continue;
    }
    const issue = BigInt(s.issue ?? '0');
    return { ok: true, slot: s.slot, holderId: s.holderId, oneTime: s.oneTime, issue, ...match };
  }
  return refusal;
}
