import type { PendantEvent, PendantEventKind } from './pendant-event.js';

/** One remembered (device, button) [PENDANT SPEC §5]. */
export interface PendantDedupeEntry {
  readonly key: string;
  readonly sequence: number | null;
  readonly kind: PendantEventKind;
  /** `now` of the last advert seen for this key (milliseconds, from the injected clock). */
  readonly lastSeen: number;
}

/** Immutable dedupe state; at most `maxDevices` entries. */
export interface PendantDedupeState {
  readonly entries: readonly PendantDedupeEntry[];
}

export interface PendantDedupeOptions {
  /** Repeats within this many ms of the previous sighting collapse. Default 30 000. */
  windowMs?: number;
  /** Entries kept; the least recently seen is evicted beyond it. Default 256. */
  maxDevices?: number;
}

export const PENDANT_DEDUPE_WINDOW_MS = 30_000;
export const PENDANT_DEDUPE_MAX_DEVICES = 256;

export const emptyPendantDedupeState = (): PendantDedupeState => ({ entries: [] });

const dedupeKey = (e: PendantEvent): string => `${e.format}|${e.device}|${e.button}`;

/**
 * Collapses the repeats of one press [PENDANT SPEC §5]: an event is a repeat when the same
 * (format, device, button) was seen less than `windowMs` ago with the same sequence (or, for
 * adverts without one, the same kind). A repeat refreshes the sighting time and yields null; a
 * new sequence, or the same one after the window (8-bit packet ids wrap), yields the event.
 * Pure: the input state is never mutated.
 */
export function pendantDedupe(
  state: PendantDedupeState,
  event: PendantEvent,
  now: number,
  options: PendantDedupeOptions = {},
): { state: PendantDedupeState; event: PendantEvent | null } {
  const windowMs = options.windowMs ?? PENDANT_DEDUPE_WINDOW_MS;
  const maxDevices = Math.max(1, options.maxDevices ?? PENDANT_DEDUPE_MAX_DEVICES);
  const key = dedupeKey(event);
  const live = state.entries.filter((e) => now - e.lastSeen < windowMs);
  const previous = live.find((e) => e.key === key);
  const others = live.filter((e) => e.key !== key);
  const repeat =
    previous !== undefined &&
    (event.sequence === null || previous.sequence === null
      ? event.sequence === previous.sequence && event.kind === previous.kind
      : event.sequence === previous.sequence);
  const entry: PendantDedupeEntry = repeat
    ? { ...previous, lastSeen: now }
    : { key, sequence: event.sequence, kind: event.kind, lastSeen: now };
  let entries = [...others, entry];
  if (entries.length > maxDevices) {
    entries = [...entries].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, maxDevices);
  }
  return { state: { entries }, event: repeat ? null : event };
}
