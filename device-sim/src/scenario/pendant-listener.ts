import { type Clock, type MockBleAir, MockBleScanner } from '@baken/hardware';
import type { PendantEvent, PendantPairing } from '@baken/protocols';
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
  const pairings: PendantPairing[] = keys.pendants.map((p) => ({
    deviceId: deviceIdOf(p.address),
    address: p.address.toUpperCase(),
    format: p.format === 'baken' ? 'baken' : 'bthome',
    ...(p.format === 'bthome' ? {} : { key: unhex(p.key) }),
  }));
  const hear = pendantHearing({
    byAddress: (address) => pairings.find((p) => p.address === address.toUpperCase()),
    byBakenId: (id) => pairings.find((p) => p.deviceId === id),
  });
  scanner.on('advert', (a) => {
    for (const e of hear(a)) onEvent(e);
  });
  await scanner.start();
  return () => scanner.stop();
}
