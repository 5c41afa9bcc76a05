import { WINDOW_ALIGN_SECONDS, WINDOW_DURATIONS_SECONDS, WINDOW_SLOTS } from '@baken/protocols';

/**
 * Chooses the offline window for a code that must work from now for at least `ttlS` seconds
 * [OTC SPEC §3]: the aligned start at or before now, the shortest allowed duration that covers
 * now + ttl, and a slot not yet given out for that window; a longer duration when all four slots of
 * the shorter one are taken. Null when every candidate is full.
 */
export function chooseOfflineWindow(
  nowS: number,
  ttlS: number,
  taken: (windowStart: number, durationSeconds: number) => ReadonlySet<number>,
): { windowStart: number; durationSeconds: number; slot: number } | null {
  const windowStart = Math.floor(nowS / WINDOW_ALIGN_SECONDS) * WINDOW_ALIGN_SECONDS;
  for (const durationSeconds of WINDOW_DURATIONS_SECONDS) {
    if (windowStart + durationSeconds < nowS + ttlS) continue;
    const used = taken(windowStart, durationSeconds);
    for (let slot = 0; slot < WINDOW_SLOTS; slot++) {
      if (!used.has(slot)) return { windowStart, durationSeconds, slot };
    }
  }
  return null;
}
