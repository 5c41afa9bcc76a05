import type { BakenAdvert } from './baken-advert.js';
import type { BthomeButtonEvent } from './bthome-objects.js';
import type { BthomeAdvert } from './bthome-types.js';
import type { PendantEvent, PendantEventKind } from './pendant-event.js';

/**
 * Default meaning of BTHome button events on a pendant [PENDANT SPEC §4.1]. A care alarm errs on
 * the side of alarming: single and double press raise an alarm, long press cancels, triple press
 * is a test call. 'none', 'hold_press' (sent while still held, before the release event) and the
 * long multi-presses mean nothing.
 */
export const DEFAULT_BTHOME_BUTTON_MAPPING: Readonly<Record<BthomeButtonEvent, PendantEventKind | null>> = {
  none: null,
  press: 'alarm',
  double_press: 'alarm',
  triple_press: 'test',
  long_press: 'cancel',
  long_double_press: null,
  long_triple_press: null,
  hold_press: null,
};

export interface BthomeMappingOptions {
  mapping?: Readonly<Record<BthomeButtonEvent, PendantEventKind | null>>;
  /** A battery-only advert at or below this percentage is 'low_battery', above it 'battery'. Default 20. */
  lowBatteryPercent?: number;
}

export interface AdvertMeta {
  rssi?: number | null;
}

/**
 * Pendant events of one decoded BTHome advert [PENDANT SPEC §4.1]: one per mapped button (index =
 * its slot, 'none' slots included in the count); with no button object at all, a battery report.
 */
export function pendantEventsFromBthome(
  advert: BthomeAdvert,
  meta: AdvertMeta & { address: string },
  options: BthomeMappingOptions = {},
): PendantEvent[] {
  const mapping = options.mapping ?? DEFAULT_BTHOME_BUTTON_MAPPING;
  const base = {
    format: 'bthome' as const,
    device: meta.address.toUpperCase(),
    // the encryption counter is the authenticated identity of an encrypted advert [PENDANT SPEC §5.3]
    sequence: advert.counter ?? advert.packetId,
    battery: advert.battery,
    rssi: meta.rssi ?? null,
    authenticated: advert.encrypted,
  };
  const events: PendantEvent[] = [];
  advert.buttons.forEach((button, index) => {
    // [PENDANT SPEC §4.1] an event id the format does not define carries no agreed meaning
    const kind = button === 'unknown' ? null : mapping[button];
    if (kind !== null && kind !== undefined) events.push({ ...base, kind, button: index });
  });
  if (advert.buttons.length === 0 && advert.battery !== null) {
    const low = advert.battery <= (options.lowBatteryPercent ?? 20);
    events.push({ ...base, kind: low ? 'low_battery' : 'battery', button: 0 });
  }
  return events;
}

/** The pendant event of one verified Baken advert [PENDANT SPEC §4.2]. */
export function pendantEventFromBaken(advert: BakenAdvert, meta: AdvertMeta = {}): PendantEvent {
  return {
    kind: advert.event,
    format: 'baken',
    device: advert.deviceId,
    button: 0,
    sequence: advert.counter,
    battery: advert.battery,
    rssi: meta.rssi ?? null,
    authenticated: true,
  };
}
