import { createHmac } from 'node:crypto';
import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { constantTimeEqual } from './constant-time.js';
import { dynamicTruncate, toDigits } from './hotp.js';

/** Baken one-time window codes, version 1 [OTC SPEC §2]. */
export const WINDOW_CODE_LABEL = 'BAKEN-OTC-v1';
/** Code length in decimal digits [OTC SPEC §2.3]. */
export const WINDOW_CODE_DIGITS = 8;
/** Window starts are multiples of this many seconds since the Unix epoch (UTC) [OTC SPEC §3]. */
export const WINDOW_ALIGN_SECONDS = 900;
/** The only window durations a key safe searches [OTC SPEC §3]. */
export const WINDOW_DURATIONS_SECONDS: readonly number[] = [900, 1800, 3600, 7200, 14_400, 28_800];
/** Slots per window: distinct codes for the same window (several carers) [OTC SPEC §3]. */
export const WINDOW_SLOTS = 4;
/** How far outside "now" the verifier looks only to name the refusal reason [OTC SPEC §4]. */
export const WINDOW_REASON_HORIZON_SECONDS = 86_400;
/** Minimum key length in bytes [OTC SPEC §2.1]. */
export const WINDOW_KEY_MIN_BYTES = 16;

/** The secret and identity of one key safe; the key never leaves the server and the key safe. */
export interface KeySafeCodeParams {
  key: Uint8Array;
  /** Key-safe serial number, printable ASCII, 1..32 characters [OTC SPEC §2.1]. */
  serial: string;
}

/** One issued window: start (Unix seconds, aligned), duration (one of the fixed set), slot. */
export interface CodeWindow {
  windowStart: number;
  durationSeconds: number;
  slot: number;
}

export interface WindowCodeAccepted extends CodeWindow {
  ok: true;
  /** Exclusive end: the code stops working at this second [OTC SPEC §4]. */
  windowEnd: number;
  /** Identity to add to the used set once the door opens; purge it after `windowEnd`. */
  usedKey: string;
}

export type WindowCodeRefusal = 'malformed' | 'unknown_code' | 'not_yet_valid' | 'expired' | 'already_used';

export interface WindowCodeRefused {
  ok: false;
  refused: WindowCodeRefusal;
}

export type WindowCodeVerdict = WindowCodeAccepted | WindowCodeRefused;

const SERIAL_RE = /^[\x20-\x7e]{1,32}$/;

function paramsProblem(params: KeySafeCodeParams): string | null {
  if (params.key.length < WINDOW_KEY_MIN_BYTES) return `key must be at least ${WINDOW_KEY_MIN_BYTES} bytes`;
  if (!SERIAL_RE.test(params.serial)) return 'serial must be 1..32 printable ASCII characters';
  return null;
}

function windowProblem(w: CodeWindow): string | null {
  if (
    !Number.isSafeInteger(w.windowStart) ||
    w.windowStart < 0 ||
    w.windowStart % WINDOW_ALIGN_SECONDS !== 0
  ) {
    return `windowStart must be a non-negative multiple of ${WINDOW_ALIGN_SECONDS} s`;
  }
  if (!WINDOW_DURATIONS_SECONDS.includes(w.durationSeconds))
    return 'durationSeconds is not an allowed duration';
  if (!Number.isInteger(w.slot) || w.slot < 0 || w.slot >= WINDOW_SLOTS)
    return `slot must be 0..${WINDOW_SLOTS - 1}`;
  return null;
}

/**
 * The message MACed for one window [OTC SPEC §2.2]:
 * label || 0x00 || len(serial) u8 || serial || windowStart u64 BE || duration u32 BE || slot u8.
 */
function windowMessage(serial: string, w: CodeWindow): Buffer {
  const label = Buffer.from(WINDOW_CODE_LABEL, 'ascii');
  const serialBytes = Buffer.from(serial, 'ascii');
  const tail = Buffer.alloc(13);
  tail.writeBigUInt64BE(BigInt(w.windowStart), 0);
  tail.writeUInt32BE(w.durationSeconds, 8);
  tail.writeUInt8(w.slot, 12);
  return Buffer.concat([label, Buffer.from([0, serialBytes.length]), serialBytes, tail]);
}

/** Derives the code; inputs must already be validated. */
function deriveCode(params: KeySafeCodeParams, w: CodeWindow): string {
  const mac = createHmac('sha256', params.key).update(windowMessage(params.serial, w)).digest();
  return toDigits(dynamicTruncate(mac), WINDOW_CODE_DIGITS);
}

/** Server side: the code for one window and slot of one key safe [OTC SPEC §2]. */
export function issueWindowCode(params: KeySafeCodeParams, window: CodeWindow): Result<string> {
  const problem = paramsProblem(params) ?? windowProblem(window);
  if (problem !== null) return fail('BAKEN_ERR_CODE_PARAMS', problem);
  return ok(deriveCode(params, window));
}

/** The identity a key safe stores after a code was used [OTC SPEC §5]. */
export function windowUsedKey(w: CodeWindow): string {
  return `${w.windowStart}/${w.durationSeconds}/${w.slot}`;
}

/** Every (window, slot) whose start lies in [from, to] for every allowed duration. */
function candidates(from: number, to: number): CodeWindow[] {
  const out: CodeWindow[] = [];
  const first = Math.max(0, Math.ceil(from / WINDOW_ALIGN_SECONDS) * WINDOW_ALIGN_SECONDS);
  for (const durationSeconds of WINDOW_DURATIONS_SECONDS) {
    for (let windowStart = first; windowStart <= to; windowStart += WINDOW_ALIGN_SECONDS) {
      for (let slot = 0; slot < WINDOW_SLOTS; slot++) out.push({ windowStart, durationSeconds, slot });
    }
  }
  return out;
}

/** Compares against every candidate without stopping at the first match (no timing signal). */
function findMatch(params: KeySafeCodeParams, code: string, list: readonly CodeWindow[]): CodeWindow | null {
  let found: CodeWindow | null = null;
  for (const w of list) {
    if (constantTimeEqual(deriveCode(params, w), code) && found === null) found = w;
  }
  return found;
}

/**
 * Key-safe side, offline [OTC SPEC §4]. Accepts iff the code belongs to a window with
 * windowStart <= now < windowStart + duration (start inclusive, end exclusive) and its used key is
 * not in `used`. Never throws; bad params are refused as 'malformed'. The caller adds `usedKey`
 * to its used set when it opens, and counts every refusal towards the lockout [OTC SPEC §6].
 */
export function verifyWindowCode(
  params: KeySafeCodeParams,
  code: string,
  now: number,
  used: ReadonlySet<string>,
): WindowCodeVerdict {
  const codeRe = new RegExp(`^[0-9]{${WINDOW_CODE_DIGITS}}$`);
  if (paramsProblem(params) !== null || !codeRe.test(code) || !Number.isFinite(now) || now < 0) {
    return { ok: false, refused: 'malformed' };
  }
  const t = Math.floor(now);
  const longest = Math.max(...WINDOW_DURATIONS_SECONDS);
  // Current: windows that contain t. Their starts lie in (t - longest, t].
  const current = candidates(t - longest + 1, t).filter((w) => t < w.windowStart + w.durationSeconds);
  const hit = findMatch(params, code, current);
  if (hit !== null) {
    const usedKey = windowUsedKey(hit);
    if (used.has(usedKey)) return { ok: false, refused: 'already_used' };
    return { ok: true, ...hit, windowEnd: hit.windowStart + hit.durationSeconds, usedKey };
  }
  // Only to name the reason: future windows starting within the horizon, past ones ended within it.
  const future = candidates(t + 1, t + WINDOW_REASON_HORIZON_SECONDS);
  if (findMatch(params, code, future) !== null) return { ok: false, refused: 'not_yet_valid' };
  const past = candidates(t - WINDOW_REASON_HORIZON_SECONDS - longest, t).filter(
    (w) =>
      w.windowStart + w.durationSeconds <= t &&
      w.windowStart + w.durationSeconds >= t - WINDOW_REASON_HORIZON_SECONDS,
  );
  if (findMatch(params, code, past) !== null) return { ok: false, refused: 'expired' };
  return { ok: false, refused: 'unknown_code' };
}
