import { fail, ok, type Result } from '../errors.js';

/**
 * DC-09 timestamps — [DC09 SPEC §2.6]: `_HH:MM:SS,MM-DD-YYYY`, always UTC. Values are carried as
 * milliseconds since the epoch; the wire has whole seconds, so encoding truncates.
 */
const TS = /^_?([0-9]{2}):([0-9]{2}):([0-9]{2}),([0-9]{2})-([0-9]{2})-([0-9]{4})$/;

const two = (n: number): string => String(n).padStart(2, '0');

/** `_HH:MM:SS,MM-DD-YYYY` (with the leading underscore) for a time in ms since the epoch. */
export function dc09FormatTimestamp(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return (
    `_${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())},` +
    `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}-${String(d.getUTCFullYear()).padStart(4, '0')}`
  );
}

/** Parses `_HH:MM:SS,MM-DD-YYYY` (the underscore optional); rejects impossible dates such as 02-30. */
export function dc09ParseTimestamp(text: string): Result<number> {
  const m = TS.exec(text);
  if (!m) return fail('BAKEN_ERR_DC09_TIMESTAMP', 'timestamp is not HH:MM:SS,MM-DD-YYYY', { text });
  const [hh, mi, ss, mo, dd, yyyy] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(yyyy, mo - 1, dd, hh, mi, ss);
  const d = new Date(ms);
  if (
    hh > 23 ||
    mi > 59 ||
    ss > 59 ||
    d.getUTCFullYear() !== yyyy ||
    d.getUTCMonth() !== mo - 1 ||
    d.getUTCDate() !== dd
  ) {
    return fail('BAKEN_ERR_DC09_TIMESTAMP', 'timestamp names an impossible date or time', { text });
  }
  return ok(ms);
}

/** The accepted window around the receiver's clock — [DC09 SPEC §5]. */
export interface Dc09TimeWindow {
  /** How far a message's timestamp may lie behind `now` (default 40 s, as the standard). */
  pastMs: number;
  /** How far it may lie ahead of `now` (default 20 s, as the standard). */
  futureMs: number;
}

export const DC09_DEFAULT_WINDOW: Readonly<Dc09TimeWindow> = { pastMs: 40_000, futureMs: 20_000 };

export type Dc09WindowVerdict =
  | { ok: true; skewMs: number }
  | { ok: false; reason: 'too_old' | 'too_new' | 'missing'; skewMs: number };

/**
 * Is a message's timestamp inside the window around `now`? `skewMs` is timestamp − now (negative:
 * the sender's clock is behind). A missing timestamp fails only when `required` (encrypted messages
 * must carry one — [DC09 SPEC §3.1]); pure, the caller passes its clock's `now`.
 */
export function dc09CheckWindow(
  timestamp: number | undefined,
  now: number,
  window: Dc09TimeWindow = DC09_DEFAULT_WINDOW,
  required = false,
): Dc09WindowVerdict {
  if (timestamp === undefined)
    return required ? { ok: false, reason: 'missing', skewMs: 0 } : { ok: true, skewMs: 0 };
  const skewMs = timestamp - now;
  if (skewMs < -window.pastMs) return { ok: false, reason: 'too_old', skewMs };
  if (skewMs > window.futureMs) return { ok: false, reason: 'too_new', skewMs };
  return { ok: true, skewMs };
}
