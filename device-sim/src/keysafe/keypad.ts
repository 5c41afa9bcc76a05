import type { KsEvent } from '@baken/protocols';
import { checkCode } from './code-check.js';
import type { NvState } from './nv-state.js';

/** An event body before the firmware stamps EVENT_SEQ and DEVICE_TIME on it. */
export type KsEventBody = KsEvent extends infer E
  ? E extends KsEvent
    ? Omit<E, 'eventSeq' | 'deviceTime'>
    : never
  : never;

export type CodeEntryResult = 'accepted' | 'rejected' | 'locked_out' | 'powered_off';

export interface KeypadPolicy {
  /** Wrong codes before a lockout — [OTC SPEC §6]. */
  maxAttempts: number;
  /** First lockout, seconds; doubles per further lockout without an open in between. */
  lockoutSeconds: number;
}

export interface KeypadOutcome {
  result: CodeEntryResult;
  events: KsEventBody[];
  unlockHolder: number | null;
}

/**
 * One keypad entry judged on the device clock, updating NV state (used codes, one-time PINs,
 * failure count, lockout) — [OTC SPEC §4–§6]. Every refusal counts towards the lockout; while
 * locked out, entries are ignored. Returns the events to raise, in order.
 */
export function keypadEntry(
  nv: NvState,
  serial: string,
  code: string,
  now: number,
  policy: KeypadPolicy,
): KeypadOutcome {
  if (nv.lockout.until > now) return { result: 'locked_out', events: [], unlockHolder: null };
  for (const [k, until] of Object.entries(nv.used)) if (until <= now) delete nv.used[k];
  const v = checkCode(nv, serial, code, now);
  if (v.ok) {
    nv.lockout = { failed: 0, level: 0, until: 0 };
    if (v.usedKey !== null) nv.used[v.usedKey] = v.usedUntil;
    if (v.oneTime && v.usedKey === null) nv.slots = nv.slots.filter((s) => s.slot !== v.slot);
    // [KS-SERIAL §7.1] the use names the issued code: the slot's ISSUE, or the code's window
    const used: KsEventBody =
      v.window === null
        ? { kind: 'code_used', slot: v.slot, holderId: v.holderId, issue: v.issue }
        : {
            kind: 'window_code_used',
            slot: v.slot,
            holderId: v.holderId,
            keyIssue: v.issue,
            windowStart: v.window.windowStart,
            windowSeconds: v.window.durationSeconds,
            windowSlot: v.window.slot,
          };
    return { result: 'accepted', events: [used], unlockHolder: v.holderId };
  }
  nv.lockout.failed += 1;
  const events: KsEventBody[] = [{ kind: 'code_rejected', failedAttempts: nv.lockout.failed }];
  if (nv.lockout.failed >= policy.maxAttempts) {
    const until = now + policy.lockoutSeconds * 2 ** nv.lockout.level;
    events.push({ kind: 'lockout_started', until, failedAttempts: nv.lockout.failed });
    nv.lockout = { failed: 0, level: nv.lockout.level + 1, until };
  }
  return { result: 'rejected', events, unlockHolder: null };
}
