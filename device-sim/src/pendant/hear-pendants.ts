import type { BleAdvert } from '@baken/hardware';
import {
  type BakenReplayState,
  decodeBakenAdvert,
  decodeBthome,
  emptyBakenReplayState,
  emptyPendantDedupeState,
  type PendantDedupeState,
  type PendantEvent,
  pendantDedupe,
  pendantEventFromBaken,
  pendantEventsFromBthome,
} from '@baken/protocols';

export interface PendantKeyLookup {
  /** A BTHome pendant at this address (`key` when encrypted); undefined = not ours, not decoded. */
  bthome(address: string): { key?: Uint8Array } | undefined;
  /** Baken advert key for a device id; undefined = unknown pendant. */
  bakenKey(deviceId: string): Uint8Array | undefined;
}

/**
 * What a gateway does with each advert, using only the protocols layer: decode (BTHome `fcd2`,
 * Baken `fcb1` with its replay state), map to pendant events, dedupe. Stateful: feed adverts in
 * the order heard; returns the events that survive dedupe. Not the gateway: enough to observe the
 * simulator.
 */
export function pendantHearing(keys: PendantKeyLookup): (advert: BleAdvert) => PendantEvent[] {
  let dedupe: PendantDedupeState = emptyPendantDedupeState();
  let replay: BakenReplayState = emptyBakenReplayState();
  return (a) => {
    const candidates: PendantEvent[] = [];
    const bthome = a.serviceData.get('fcd2');
    const pendant = bthome === undefined ? undefined : keys.bthome(a.address);
    if (bthome !== undefined && pendant !== undefined) {
      const d = decodeBthome(bthome, { address: a.address, ...pendant });
      if (d.ok) candidates.push(...pendantEventsFromBthome(d.value, { address: a.address }));
    }
    const baken = a.serviceData.get('fcb1');
    if (baken !== undefined) {
      const d = decodeBakenAdvert(replay, baken, (id) => keys.bakenKey(id));
      if (d.ok) {
        replay = d.value.state;
        candidates.push(pendantEventFromBaken(d.value.advert));
      }
    }
    const out: PendantEvent[] = [];
    for (const e of candidates) {
      const r = pendantDedupe(dedupe, e, a.receivedAt);
      dedupe = r.state;
      if (r.event !== null) out.push(r.event);
    }
    return out;
  };
}
