import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { formatBleAddress, parseBleAddress } from './ble-address.js';
import { BTHOME_MIC_BYTES, bthomeNonce, bthomeOpen } from './bthome-crypto.js';
import { parseBthomeObjects } from './bthome-parse.js';
import type { BthomeAdvert, BthomeDecodeOptions } from './bthome-types.js';

export { parseBthomeObjects };

/** BTHome service data UUID [PENDANT SPEC §2]. */
export const BTHOME_UUID = 0xfcd2;
/** Device-info bits [PENDANT SPEC §2.1]. */
export const BTHOME_INFO_ENCRYPTED = 0x01;
export const BTHOME_INFO_ADDRESS = 0x02;
export const BTHOME_INFO_TRIGGER = 0x04;
export const BTHOME_VERSION = 2;

/**
 * Decodes BTHome v2 service data (the bytes after UUID 0xFCD2) [PENDANT SPEC §2]. Total: returns a
 * typed error for a wrong version, a short frame, or an encrypted advert that cannot be opened.
 */
export function decodeBthome(
  serviceData: Uint8Array,
  options: BthomeDecodeOptions = {},
): Result<BthomeAdvert> {
  const data = Buffer.from(serviceData.buffer, serviceData.byteOffset, serviceData.byteLength);
  if (data.length < 1) return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome: empty service data');
  const info = data[0] as number;
  const version = info >> 5;
  if (version !== BTHOME_VERSION)
    return fail('BAKEN_ERR_ADVERT_VERSION', 'BTHome: not version 2', { version });
  const encrypted = (info & BTHOME_INFO_ENCRYPTED) !== 0;
  let pos = 1;
  let addressInPayload: string | null = null;
  if ((info & BTHOME_INFO_ADDRESS) !== 0) {
    if (data.length < 7) return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome: address flag set but too short');
    // [PENDANT SPEC §2.1] the address is sent least significant byte first.
    addressInPayload = formatBleAddress(Uint8Array.from(data.subarray(1, 7)).reverse());
    pos = 7;
  }
  let body: Uint8Array = data.subarray(pos);
  let counter: number | null = null;
  if (encrypted) {
    if (body.length < 4 + BTHOME_MIC_BYTES)
      return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome: encrypted advert too short');
    const key = options.key;
    if (key === undefined || key.length !== 16)
      return fail('BAKEN_ERR_ADVERT_DECRYPT', 'BTHome: no 16-byte bind key');
    const address = options.address ?? addressInPayload;
    const addressBytes = address === null ? null : parseBleAddress(address);
    if (addressBytes === null)
      return fail('BAKEN_ERR_ADVERT_DECRYPT', 'BTHome: no valid device address for the nonce');
    const end = data.length;
    counter = data.readUInt32LE(end - 8);
    const plain = bthomeOpen(
      key,
      bthomeNonce(addressBytes, info, counter),
      data.subarray(pos, end - 8),
      data.subarray(end - BTHOME_MIC_BYTES),
    );
    if (plain === null) return fail('BAKEN_ERR_ADVERT_DECRYPT', 'BTHome: MIC does not verify', { counter });
    body = plain;
  }
  const { objects, stopped } = parseBthomeObjects(body);
  const first = (id: number): number | null => {
    const o = objects.find((x) => x.id === id);
    return o !== undefined && o.kind === 'number' ? o.value : null;
  };
  return ok({
    version: 2,
    encrypted,
    triggerBased: (info & BTHOME_INFO_TRIGGER) !== 0,
    addressInPayload,
    counter,
    objects,
    packetId: first(0x00),
    battery: first(0x01),
    buttons: objects.flatMap((o) => (o.kind === 'button' ? [o.event] : [])),
    stopped,
  });
}
