import { type Clock, type MockBleAir, MockBleScanner } from '@baken/hardware';
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
import { unhex } from '../hex.js';
import type { HomeKeys } from '../home.js';
import { deviceIdOf } from '../pendant/pendant-packet.js';

/**
 * Hears the mock air as a gateway would (decode, verify, dedupe with the protocols layer) so a
 * scenario can expect pendant events. Not the gateway: only enough to observe the simulator.
 */
export async function listenToPendants(
  air: MockBleAir,
  clock: Clock,
  keys: HomeKeys,
  onEvent: (e: PendantEvent) => void,
): Promise<() => Promise<void>> {
  const scanner = new MockBleScanner({ clock, air });
  const byAddress = new Map(keys.pendants.map((p) => [p.address.toUpperCase(), p]));
  const byDeviceId = new Map(keys.pendants.map((p) => [deviceIdOf(p.address), p]));
  let dedupe: PendantDedupeState = emptyPendantDedupeState();
  let replay: BakenReplayState = emptyBakenReplayState();
  scanner.on('advert', (a) => {
    const events: PendantEvent[] = [];
    const bthome = a.serviceData.get('fcd2');
    const info = byAddress.get(a.address.toUpperCase());
    if (bthome !== undefined && info !== undefined) {
      const key = info.format === 'bthome-encrypted' ? unhex(info.key) : undefined;
      const d = decodeBthome(bthome, { address: a.address, ...(key === undefined ? {} : { key }) });
      if (d.ok) events.push(...pendantEventsFromBthome(d.value, { address: a.address }));
    }
    const baken = a.serviceData.get('fcb1');
    if (baken !== undefined) {
      const d = decodeBakenAdvert(replay, baken, (id) => {
        const p = byDeviceId.get(id);
        return p === undefined ? undefined : unhex(p.key);
      });
      if (d.ok) {
        replay = d.value.state;
        events.push(pendantEventFromBaken(d.value.advert));
      }
    }
    for (const e of events) {
      const r = pendantDedupe(dedupe, e, a.receivedAt);
      dedupe = r.state;
      if (r.event !== null) onEvent(r.event);
    }
  });
  await scanner.start();
  return () => scanner.stop();
}
