import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PendantPairing, type PendantPipelineState, pendantKeyTag } from '@baken/protocols';

/**
 * The Baken replay counters an older version kept in `{dataDir}/pendant-counters.json`
 * (`{ lastCounter: { <advert device id>: n } }`, PENDANT SPEC §3.4), or undefined when there are
 * none: after an update, a captured Baken advert must not be accepted once more just because the
 * counters moved into the vault [PENDANT SPEC §5.3].
 */
export function readLegacyBakenCounters(dataDir: string): Record<string, number> | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, 'pendant-counters.json'), 'utf8')) as {
      lastCounter?: Record<string, unknown>;
    };
    const out: Record<string, number> = {};
    for (const [id, n] of Object.entries(v.lastCounter ?? {}))
      if (/^[0-9a-f]{12}$/.test(id) && Number.isInteger(n)) out[id] = n as number;
    return Object.keys(out).length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Gives each Baken pendant without a stored counter its legacy one, under its current key. */
export function adoptLegacyCounters(
  state: PendantPipelineState,
  pairings: readonly PendantPairing[],
  legacy: Readonly<Record<string, number>> | undefined,
): PendantPipelineState {
  if (legacy === undefined) return state;
  let counters = state.counters;
  for (const p of pairings) {
    const n = legacy[p.address.replaceAll(':', '').toLowerCase()];
    if (p.format !== 'baken' || p.key === undefined || n === undefined || counters[p.deviceId]) continue;
    counters = { ...counters, [p.deviceId]: { counter: n, at: 0, keyTag: pendantKeyTag(p.key) } };
  }
  return counters === state.counters ? state : { ...state, counters };
}
