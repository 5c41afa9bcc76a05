import { type Clock, type MockBleAir, MockBleScanner } from '@baken/hardware';
import type { PendantEvent } from '@baken/protocols';
import { unhex } from '../hex.js';
import type { HomeKeys } from '../home.js';
import { pendantHearing } from '../pendant/hear-pendants.js';
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
  const hear = pendantHearing({
    bthome: (address) => {
      const info = byAddress.get(address.toUpperCase());
      if (info === undefined) return undefined;
      return info.format === 'bthome-encrypted' ? { key: unhex(info.key) } : {};
    },
    bakenKey: (id) => {
      const p = byDeviceId.get(id);
      return p === undefined ? undefined : unhex(p.key);
    },
  });
  scanner.on('advert', (a) => {
    for (const e of hear(a)) onEvent(e);
  });
  await scanner.start();
  return () => scanner.stop();
}
