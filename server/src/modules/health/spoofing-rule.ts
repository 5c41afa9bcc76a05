import type { HeartbeatPayload, PendantRefusalsPayload } from '@baken/protocols';
import type { WarningStore } from './warning-store.js';

export const SPOOFING_WARNING = 'possible_spoofing' as const;

/**
 * The refusals that point at someone forging adverts. `no_key` (an encrypted pendant paired without
 * its key) and `malformed` are reported but are configuration or firmware problems, not spoofing.
 */
const SPOOFING_REASONS = ['downgrade', 'auth_failed', 'replay'] as const;

const total = (r: PendantRefusalsPayload | undefined): number =>
  r === undefined ? 0 : SPOOFING_REASONS.reduce((s, k) => s + (r[k] ?? 0), 0);

/**
 * Raises `possible_spoofing` on a pendant when its home unit reports more refused adverts than
 * before (heartbeat `devices[].refused`, MQTT-MAP §4.3; PENDANT SPEC §5.2): a plaintext advert from
 * an encrypted pendant, a bad MIC or MAC, a replayed counter. The counts run from the unit's start,
 * so a count below the previous one (the unit restarted) that is above zero is new too. After a
 * restart of the server the open warning's detail is the previous count. Closes, like tamper,
 * after a quiet period without new refusals.
 */
export class SpoofingRule {
  readonly #last = new Map<string, number>();

  /** The pendants of `hb` to raise `possible_spoofing` on, with the warning's detail. */
  async onHeartbeat(
    store: WarningStore,
    gatewayId: string,
    hb: HeartbeatPayload,
  ): Promise<Array<{ deviceId: string; detail: Record<string, unknown> }>> {
    const out: Array<{ deviceId: string; detail: Record<string, unknown> }> = [];
    for (const d of hb.devices) {
      if (d.kind !== 'pendant') continue;
      const now = total(d.refused);
      const key = `${gatewayId}\u0000${d.deviceId}`;
      const open = this.#last.has(key)
        ? undefined
        : await store.openOne(gatewayId, d.deviceId, SPOOFING_WARNING);
      const before = this.#last.get(key) ?? (typeof open?.detail.total === 'number' ? open.detail.total : 0);
      this.#last.set(key, now);
      if (now > before || (now < before && now > 0)) {
        out.push({
          deviceId: d.deviceId,
          detail: {
            message:
              'Possible spoofing at this home: the home unit refused adverts claiming to be this pendant.',
            refused: d.refused ?? {},
            total: now,
            newSinceLastReport: now > before ? now - before : now,
          },
        });
      }
    }
    return out;
  }
}
