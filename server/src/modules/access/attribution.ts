import type { KsCodeUseIdentity } from '@baken/protocols';
import type { AccessStores } from './access-stores.js';
import type { Release, ReleaseStore } from './releases.js';

/** Command purpose of the one-time trial code an installer asks for (the installation check). */
export const TRIAL_PURPOSE = 'trial_code';

/** What an opening is credited to: a release, the installer's trial code, or nothing known. */
export type CodeUseOwner = { release: Release } | { trial: true } | null;

/**
 * Which release an opening belongs to — by the identity the key safe itself reported, never by time
 * [KS-SERIAL §7.1]. A PIN is named by its ISSUE, the counter of the SET_CODE that wrote the slot:
 * the server signed that command for exactly one release. A window code is named by its window and
 * window slot, which the server gives out once per key safe. Null when the identity names no
 * release (a voided PIN, a code the server never issued) — an opening without a release.
 */
export async function ownerOfCodeUse(
  deps: { releases: ReleaseStore; stores: Pick<AccessStores, 'commands'> },
  deviceId: string,
  id: KsCodeUseIdentity,
): Promise<CodeUseOwner> {
  if (id.kind === 'window') {
    const release = await deps.releases.byWindow(deviceId, {
      validFrom: id.windowStart * 1000,
      validUntil: (id.windowStart + id.windowSeconds) * 1000,
      slot: id.windowSlot,
    });
    return release ? { release } : null;
  }
  const cmd = await deps.stores.commands.setCodeOfIssue(deviceId, id.issue);
  if (cmd?.purpose === TRIAL_PURPOSE) return { trial: true };
  const r = cmd?.releaseId ? await deps.releases.get(cmd.releaseId) : null;
  // the slot is part of what was signed: a mismatch is not this release
  return r && r.deviceId === deviceId && r.slot === id.slot ? { release: r } : null;
}

/**
 * The identity in a `code_accepted` event's data [MQTT-MAP §4.1.3]: `window` for a window code,
 * else `issue` for a PIN; null from a KS-SERIAL 1.0 key safe, which names no issued code.
 */
export function codeUseOfEventData(data: Record<string, unknown>): KsCodeUseIdentity | null {
  const slot = Number(data['slot']);
  const issue = typeof data['issue'] === 'string' ? data['issue'] : null;
  const w = data['window'] as { start: number; seconds: number; slot: number } | undefined;
  if (w !== undefined) {
    return {
      kind: 'window',
      slot,
      windowStart: Math.floor(w.start / 1000),
      windowSeconds: w.seconds,
      windowSlot: w.slot,
    };
  }
  return issue === null ? null : { kind: 'code', slot, issue: BigInt(issue) };
}
