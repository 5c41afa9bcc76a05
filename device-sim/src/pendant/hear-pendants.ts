import type { BleAdvert } from '@baken/hardware';
import {
  type AcceptedPendantEvent,
  emptyPendantPipelineState,
  type PendantOutcome,
  type PendantPairingLookup,
  type PendantPipelineState,
  pendantStep,
} from '@baken/protocols';

/** Service-data keys as the scanner reports them [PENDANT SPEC §1]. */
const BTHOME_KEY = 'fcd2';
const BAKEN_KEY = 'fcb1';

/** The pipeline's input of one scanner advert. */
export function pendantAdvertInput(a: BleAdvert) {
  const bthome = a.serviceData.get(BTHOME_KEY);
  const baken = a.serviceData.get(BAKEN_KEY);
  return {
    address: a.address,
    rssi: a.rssi,
    at: a.receivedAt,
    ...(bthome === undefined ? {} : { bthome }),
    ...(baken === undefined ? {} : { baken }),
  };
}

/**
 * What a home unit does with each advert: the one pendant pipeline of the protocols layer
 * [PENDANT SPEC §5] (decode, authenticate, replay check, de-duplicate), the same the gateway's
 * pendant bridge drives. Stateful: feed adverts in the order heard; returns the events that are
 * let through. `onOutcome` sees every outcome (refusals included). Not the gateway: enough to
 * observe the simulator.
 */
export function pendantHearing(
  pairings: PendantPairingLookup,
  onOutcome?: (o: PendantOutcome) => void,
): (advert: BleAdvert) => AcceptedPendantEvent[] {
  let state: PendantPipelineState = emptyPendantPipelineState();
  return (a) => {
    const step = pendantStep(state, pendantAdvertInput(a), pairings);
    state = step.state;
    onOutcome?.(step.outcome);
    return step.outcome.type === 'accepted' ? step.outcome.events : [];
  };
}
