import {
  type BakenAdvertEvent,
  type BthomeButtonEvent,
  type BthomeObject,
  encodeBakenAdvert,
  encodeBthome,
} from '@baken/protocols';
import type { ServiceData } from './advertiser.js';

export type PendantAction = BakenAdvertEvent;

export type PendantFormat =
  | { kind: 'bthome' /** 16-byte bind key: encrypted BTHome when set. */; bindKey?: Uint8Array }
  | { kind: 'baken' /** Per-pendant key, ≥ 16 bytes [PENDANT SPEC §3]. */; key: Uint8Array };

/**
 * BTHome has no fall or cancel object: a pendant maps its gestures to button events that the
 * protocols' default mapping reads back [PENDANT SPEC §4.1] — fall is sent as a double press (an
 * alarm), cancel as a long press, a test as a triple press.
 */
const BTHOME_BUTTON: Readonly<Record<PendantAction, BthomeButtonEvent | null>> = {
  alarm: 'press',
  fall: 'double_press',
  cancel: 'long_press',
  test: 'triple_press',
  low_battery: null,
  battery: null,
};

/** 12-hex-digit Baken device id of a BLE address. */
export const deviceIdOf = (address: string): string => address.replaceAll(':', '').toLowerCase();

/** Builds the service data of one advert (all repeats of a press carry the same bytes). */
export function pendantServiceData(
  format: PendantFormat,
  address: string,
  action: PendantAction,
  battery: number,
  counter: number,
): ServiceData {
  if (format.kind === 'baken') {
    const bytes = encodeBakenAdvert(
      { deviceId: deviceIdOf(address), event: action, battery, counter },
      format.key,
    );
    if (!bytes.ok) throw bytes.error;
    return new Map([['fcb1', bytes.value]]);
  }
  const objects: BthomeObject[] = [
    { kind: 'number', id: 0x00, name: 'packet_id', value: counter & 0xff },
    { kind: 'number', id: 0x01, name: 'battery', value: battery },
  ];
  const button = BTHOME_BUTTON[action];
  if (button !== null) objects.push({ kind: 'button', id: 0x3a, name: 'button', event: button });
  const bytes = encodeBthome({
    objects,
    triggerBased: button !== null,
    ...(format.bindKey === undefined ? {} : { encryption: { key: format.bindKey, address, counter } }),
  });
  if (!bytes.ok) throw bytes.error;
  return new Map([['fcd2', bytes.value]]);
}
