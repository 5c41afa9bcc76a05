import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';

/**
 * Baken pendant advert v1 [PENDANT SPEC §3]. Service data under the 16-bit UUID 0xFCB1, which is
 * PROVISIONAL and NOT registered with the Bluetooth SIG.
 */
export const BAKEN_PENDANT_UUID = 0xfcb1;
export const BAKEN_ADVERT_VERSION = 1;
export const BAKEN_ADVERT_BYTES = 21;
export const BAKEN_ADVERT_MAC_BYTES = 8;
export const BAKEN_ADVERT_LABEL = 'BAKEN-PDT-v1';
export const BAKEN_BATTERY_UNKNOWN = 0xff;

export type BakenAdvertEvent = 'alarm' | 'cancel' | 'fall' | 'low_battery' | 'test' | 'battery';

/** Event codes on the air [PENDANT SPEC §3.2]. */
export const BAKEN_EVENT_CODES: Readonly<Record<BakenAdvertEvent, number>> = {
  alarm: 0x01,
  cancel: 0x02,
  fall: 0x03,
  low_battery: 0x04,
  test: 0x05,
  battery: 0x06,
};

export interface BakenAdvert {
  /** 6-byte device id as 12 lower-case hex digits. */
  deviceId: string;
  event: BakenAdvertEvent;
  /** 0..100, or null when the pendant does not know (0xFF on the air). */
  battery: number | null;
  /** 32-bit counter, strictly increasing per pendant. */
  counter: number;
}

/** Last accepted counter per device id; replace, never mutate [PENDANT SPEC §3.4]. */
export interface BakenReplayState {
  readonly lastCounter: Readonly<Record<string, number>>;
}

export const emptyBakenReplayState = (): BakenReplayState => ({ lastCounter: {} });

/** Looks up the per-pendant key (≥ 16 bytes) by device id; undefined for an unknown pendant. */
export type BakenKeyLookup = (deviceId: string) => Uint8Array | undefined;

const DEVICE_ID_RE = /^[0-9a-f]{12}$/;

/** MAC = first 8 bytes of HMAC-SHA-256(key, label || B1 FC || bytes 0..12) [PENDANT SPEC §3.3]. */
function advertMac(key: Uint8Array, body: Uint8Array): Buffer {
  const uuid = Buffer.alloc(2);
  uuid.writeUInt16LE(BAKEN_PENDANT_UUID);
  return createHmac('sha256', key)
    .update(Buffer.from(BAKEN_ADVERT_LABEL, 'ascii'))
    .update(uuid)
    .update(body)
    .digest()
    .subarray(0, BAKEN_ADVERT_MAC_BYTES);
}

/** Builds the 21 service-data bytes of one advert (for pendant firmware and the simulator). */
export function encodeBakenAdvert(advert: BakenAdvert, key: Uint8Array): Result<Uint8Array> {
  if (!DEVICE_ID_RE.test(advert.deviceId))
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'deviceId must be 12 hex digits');
  const code = BAKEN_EVENT_CODES[advert.event];
  if (code === undefined) return fail('BAKEN_ERR_ADVERT_FORMAT', 'unknown event');
  const battery = advert.battery;
  if (battery !== null && (!Number.isInteger(battery) || battery < 0 || battery > 100)) {
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'battery must be 0..100 or null');
  }
  if (!Number.isInteger(advert.counter) || advert.counter < 0 || advert.counter > 0xffffffff) {
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'counter must be a 32-bit unsigned integer');
  }
  if (key.length < 16) return fail('BAKEN_ERR_ADVERT_KEY', 'pendant key must be at least 16 bytes');
  const out = Buffer.alloc(BAKEN_ADVERT_BYTES);
  out[0] = BAKEN_ADVERT_VERSION;
  out.write(advert.deviceId, 1, 'hex');
  out[7] = code;
  out[8] = battery ?? BAKEN_BATTERY_UNKNOWN;
  out.writeUInt32LE(advert.counter, 9);
  advertMac(key, out.subarray(0, 13)).copy(out, 13);
  return ok(Uint8Array.from(out));
}

/**
 * Verifies and decodes one advert as a pure function of (state, advert) [PENDANT SPEC §3.4]:
 * refuses an unknown pendant (BAKEN_ERR_ADVERT_KEY), a wrong MAC (BAKEN_ERR_ADVERT_MAC) and a
 * counter not above the last accepted one (BAKEN_ERR_ADVERT_REPLAY; detail.repeat is true for
 * the ordinary re-broadcast of the last advert). Only an accepted advert advances the state.
 */
export function decodeBakenAdvert(
  state: BakenReplayState,
  serviceData: Uint8Array,
  lookupKey: BakenKeyLookup,
): Result<{ advert: BakenAdvert; state: BakenReplayState }> {
  const data = Buffer.from(serviceData.buffer, serviceData.byteOffset, serviceData.byteLength);
  if (data.length < 1) return fail('BAKEN_ERR_ADVERT_FORMAT', 'Baken advert: empty');
  if (data[0] !== BAKEN_ADVERT_VERSION) {
    return fail('BAKEN_ERR_ADVERT_VERSION', 'Baken advert: unsupported version', { version: data[0] });
  }
  if (data.length !== BAKEN_ADVERT_BYTES) {
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'Baken advert: wrong length', { length: data.length });
  }
  const deviceId = data.subarray(1, 7).toString('hex');
  const key = lookupKey(deviceId);
  if (key === undefined || key.length < 16)
    return fail('BAKEN_ERR_ADVERT_KEY', 'Baken advert: unknown pendant', { deviceId });
  const expected = advertMac(key, data.subarray(0, 13));
  if (!timingSafeEqual(expected, data.subarray(13, 21))) {
    return fail('BAKEN_ERR_ADVERT_MAC', 'Baken advert: MAC does not verify', { deviceId });
  }
  const code = data[7] as number;
  const event = (Object.keys(BAKEN_EVENT_CODES) as BakenAdvertEvent[]).find(
    (k) => BAKEN_EVENT_CODES[k] === code,
  );
  if (event === undefined)
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'Baken advert: unknown event code', { code });
  const rawBattery = data[8] as number;
  if (rawBattery > 100 && rawBattery !== BAKEN_BATTERY_UNKNOWN) {
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'Baken advert: battery out of range', { battery: rawBattery });
  }
  const counter = data.readUInt32LE(9);
  const last = state.lastCounter[deviceId];
  if (last !== undefined && counter <= last) {
    return fail('BAKEN_ERR_ADVERT_REPLAY', 'Baken advert: counter not above the last accepted', {
      deviceId,
      counter,
      lastAccepted: last,
      repeat: counter === last,
    });
  }
  const battery = rawBattery === BAKEN_BATTERY_UNKNOWN ? null : rawBattery;
  return ok({
    advert: { deviceId, event, battery, counter },
    state: { lastCounter: { ...state.lastCounter, [deviceId]: counter } },
  });
}
