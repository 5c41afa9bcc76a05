import type { KsReader, KsWriter } from './byte-io.js';
import { KsType } from './message-types.js';
import type { KsEvent } from './messages.js';

/** Event payloads: EVENT_SEQ u32 | DEVICE_TIME u32 | fields — [KS-SERIAL §7]. */

/** Largest issue a code-use event or record can name: 48 bits [KS-SERIAL §7.1]. */
export const KS_MAX_ISSUE = (1n << 48n) - 1n;
/** Window lengths are whole quarter hours, at most 255 of them (the record packs them in a byte) [§10.2]. */
export const KS_WINDOW_UNIT_SECONDS = 900;
const validWindowSeconds = (s: number): boolean =>
  Number.isInteger(s) && s > 0 && s % KS_WINDOW_UNIT_SECONDS === 0 && s / KS_WINDOW_UNIT_SECONDS <= 0xff;

export const KS_EVENT_TYPES = {
  door_opened: KsType.DoorOpened,
  door_closed: KsType.DoorClosed,
  door_forced: KsType.DoorForced,
  key_taken: KsType.KeyTaken,
  key_returned: KsType.KeyReturned,
  code_accepted: KsType.CodeAccepted,
  code_rejected: KsType.CodeRejected,
  lockout_started: KsType.LockoutStarted,
  lockout_ended: KsType.LockoutEnded,
  tamper: KsType.Tamper,
  battery_level: KsType.BatteryLevel,
  mains_lost: KsType.MainsLost,
  mains_restored: KsType.MainsRestored,
  clock_report: KsType.ClockReport,
  code_used: KsType.CodeUsed,
  window_code_used: KsType.WindowCodeUsed,
} as const satisfies Record<KsEvent['kind'], number>;

export function writeEvent(w: KsWriter, e: KsEvent): void {
  w.u32(e.eventSeq, 'eventSeq').u32(e.deviceTime, 'deviceTime');
  switch (e.kind) {
    case 'key_taken':
    case 'key_returned':
      w.u8(e.hook, 'hook');
      break;
    case 'code_accepted':
      w.u8(e.slot, 'slot').u32(e.holderId, 'holderId');
      break;
    case 'code_rejected':
      w.u8(e.failedAttempts, 'failedAttempts');
      break;
    case 'lockout_started':
      w.u32(e.until, 'until').u8(e.failedAttempts, 'failedAttempts');
      break;
    case 'tamper':
      w.u8(e.source, 'source');
      break;
    case 'battery_level':
      w.u8(e.percent, 'percent').u16(e.millivolts, 'millivolts');
      if (e.percent > 100) w.badField ??= 'percent';
      break;
    case 'clock_report':
      w.bool(e.clockValid, 'clockValid').u32(e.lastSyncAt, 'lastSyncAt');
      break;
    case 'code_used':
      w.u8(e.slot, 'slot').u32(e.holderId, 'holderId').u64(e.issue, 'issue');
      if (!(e.issue <= KS_MAX_ISSUE)) w.badField ??= 'issue';
      break;
    case 'window_code_used':
      w.u8(e.slot, 'slot')
        .u32(e.holderId, 'holderId')
        .u64(e.keyIssue, 'keyIssue')
        .u32(e.windowStart, 'windowStart')
        .u32(e.windowSeconds, 'windowSeconds')
        .u8(e.windowSlot, 'windowSlot');
      if (!(e.keyIssue <= KS_MAX_ISSUE)) w.badField ??= 'keyIssue';
      if (!validWindowSeconds(e.windowSeconds)) w.badField ??= 'windowSeconds';
      break;
    default:
      break;
  }
}

/** Reads an event of `type`; returns null when `type` is not an event type. */
export function readEvent(r: KsReader, type: number): KsEvent | null {
  const h = { eventSeq: r.u32(), deviceTime: r.u32() };
  switch (type) {
    case KsType.DoorOpened:
      return { ...h, kind: 'door_opened' };
    case KsType.DoorClosed:
      return { ...h, kind: 'door_closed' };
    case KsType.DoorForced:
      return { ...h, kind: 'door_forced' };
    case KsType.KeyTaken:
      return { ...h, kind: 'key_taken', hook: r.u8() };
    case KsType.KeyReturned:
      return { ...h, kind: 'key_returned', hook: r.u8() };
    case KsType.CodeAccepted:
      return { ...h, kind: 'code_accepted', slot: r.u8(), holderId: r.u32() };
    case KsType.CodeRejected:
      return { ...h, kind: 'code_rejected', failedAttempts: r.u8() };
    case KsType.LockoutStarted:
      return { ...h, kind: 'lockout_started', until: r.u32(), failedAttempts: r.u8() };
    case KsType.LockoutEnded:
      return { ...h, kind: 'lockout_ended' };
    case KsType.Tamper:
      return { ...h, kind: 'tamper', source: r.u8() };
    case KsType.BatteryLevel: {
      const percent = r.u8();
      if (percent > 100) r.reject();
      return { ...h, kind: 'battery_level', percent, millivolts: r.u16() };
    }
    case KsType.MainsLost:
      return { ...h, kind: 'mains_lost' };
    case KsType.MainsRestored:
      return { ...h, kind: 'mains_restored' };
    case KsType.ClockReport:
      return { ...h, kind: 'clock_report', clockValid: r.bool(), lastSyncAt: r.u32() };
    case KsType.CodeUsed: {
      const e = { ...h, kind: 'code_used' as const, slot: r.u8(), holderId: r.u32(), issue: r.u64() };
      if (e.issue > KS_MAX_ISSUE) r.reject();
      return e;
    }
    case KsType.WindowCodeUsed: {
      const e = {
        ...h,
        kind: 'window_code_used' as const,
        slot: r.u8(),
        holderId: r.u32(),
        keyIssue: r.u64(),
        windowStart: r.u32(),
        windowSeconds: r.u32(),
        windowSlot: r.u8(),
      };
      if (e.keyIssue > KS_MAX_ISSUE || !validWindowSeconds(e.windowSeconds)) r.reject();
      return e;
    }
    default:
      return null;
  }
}
