import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';

/**
 * Acknowledgement of a Baken pendant event [PENDANT SPEC §7]: the home unit connects to the pendant
 * and writes these 19 bytes to the ack characteristic once the event is durably stored; the pendant
 * stops announcing that counter. Authenticated with the pendant's own key, so a stranger cannot
 * silence a pendant.
 */
export const BAKEN_ACK_VERSION = 1;
export const BAKEN_ACK_BYTES = 19;
export const BAKEN_ACK_MAC_BYTES = 8;
/** Domain separation: an advert MAC can never pass as an ack MAC, nor the other way round. */
export const BAKEN_ACK_LABEL = 'BAKEN-ACK-v1';
/** GATT service and write characteristic of the pendant [PENDANT SPEC §7.2] (Baken's own 128-bit UUIDs). */
export const BAKEN_ACK_SERVICE_UUID = '7b3a0001-5c1e-4f7d-9b1a-62616b656e01';
export const BAKEN_ACK_CHARACTERISTIC_UUID = '7b3a0002-5c1e-4f7d-9b1a-62616b656e01';

export interface BakenAck {
  /** The pendant's 6-byte device id as 12 lower-case hex digits [PENDANT SPEC §3.1]. */
  deviceId: string;
  /** The counter of the one advert being acknowledged. */
  counter: number;
}

const DEVICE_ID_RE = /^[0-9a-f]{12}$/;

/** MAC = first 8 bytes of HMAC-SHA-256(key, "BAKEN-ACK-v1" || bytes 0..10) [PENDANT SPEC §7.1]. */
function ackMac(key: Uint8Array, body: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(Buffer.from(BAKEN_ACK_LABEL, 'ascii'))
    .update(body)
    .digest()
    .subarray(0, BAKEN_ACK_MAC_BYTES);
}

/** Builds the ack the home unit writes (and the simulator's tests forge). */
export function encodeBakenAck(ack: BakenAck, key: Uint8Array): Result<Uint8Array> {
  if (!DEVICE_ID_RE.test(ack.deviceId)) return fail('BAKEN_ERR_ACK_FORMAT', 'deviceId must be 12 hex digits');
  if (!Number.isInteger(ack.counter) || ack.counter < 0 || ack.counter > 0xffffffff)
    return fail('BAKEN_ERR_ACK_FORMAT', 'counter must be a 32-bit unsigned integer');
  if (key.length < 16) return fail('BAKEN_ERR_ADVERT_KEY', 'pendant key must be at least 16 bytes');
  const out = Buffer.alloc(BAKEN_ACK_BYTES);
  out[0] = BAKEN_ACK_VERSION;
  out.write(ack.deviceId, 1, 'hex');
  out.writeUInt32LE(ack.counter, 7);
  ackMac(key, out.subarray(0, 11)).copy(out, 11);
  return ok(Uint8Array.from(out));
}

/**
 * What the pendant does with a written value [PENDANT SPEC §7.3]: version, length, its own device
 * id, then the MAC in constant time. Total: any bytes give an ack or a typed error, never a throw.
 * Whether the counter is one it is still announcing is the pendant's state, not this function's.
 */
export function verifyBakenAck(
  value: Uint8Array,
  own: { deviceId: string; key: Uint8Array },
): Result<BakenAck> {
  const data = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (data.length !== BAKEN_ACK_BYTES)
    return fail('BAKEN_ERR_ACK_FORMAT', 'Baken ack: wrong length', { length: data.length });
  if (data[0] !== BAKEN_ACK_VERSION)
    return fail('BAKEN_ERR_ACK_FORMAT', 'Baken ack: unsupported version', { version: data[0] });
  const deviceId = data.subarray(1, 7).toString('hex');
  if (deviceId !== own.deviceId)
    return fail('BAKEN_ERR_ACK_FORMAT', 'Baken ack: for another pendant', { deviceId });
  if (own.key.length < 16) return fail('BAKEN_ERR_ADVERT_KEY', 'pendant key must be at least 16 bytes');
  if (!timingSafeEqual(ackMac(own.key, data.subarray(0, 11)), data.subarray(11, BAKEN_ACK_BYTES)))
    return fail('BAKEN_ERR_ACK_MAC', 'Baken ack: MAC does not verify', { deviceId });
  return ok({ deviceId, counter: data.readUInt32LE(7) });
}

/**
 * When a pendant with an unacknowledged event transmits again [PENDANT SPEC §7.4]. After the first
 * burst, bursts follow 2, 4, 8 s apart, then every 15 s until an hour has passed since the press,
 * then every 60 s; 24 h after the press it gives up (`null`).
 */
export const BAKEN_ANNOUNCE = {
  firstGapMs: 2_000,
  fastCapMs: 15_000,
  fastPhaseMs: 3_600_000,
  slowGapMs: 60_000,
  giveUpMs: 24 * 3_600_000,
} as const;

/** Delay before announce burst `round` (1 = the first after the press burst), or null: give up. */
export function bakenAnnounceDelayMs(round: number, sincePressMs: number): number | null {
  const a = BAKEN_ANNOUNCE;
  const gap =
    sincePressMs >= a.fastPhaseMs
      ? a.slowGapMs
      : Math.min(a.firstGapMs * 2 ** Math.max(0, Math.min(round - 1, 16)), a.fastCapMs);
  return sincePressMs + gap > a.giveUpMs ? null : gap;
}
