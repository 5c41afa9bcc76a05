import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { parseBleAddress } from './ble-address.js';
import { bthomeNonce, bthomeSeal } from './bthome-crypto.js';
import { BTHOME_INFO_ADDRESS, BTHOME_INFO_ENCRYPTED, BTHOME_INFO_TRIGGER } from './bthome-decode.js';
import { bthomeObjectDef, buttonEventCode, dimmerEventCode } from './bthome-objects.js';
import type { BthomeEncodeInput, BthomeObject } from './bthome-types.js';

function encodeObject(o: BthomeObject): Buffer | string {
  const def = bthomeObjectDef(o.id);
  if (def === undefined || def.kind !== o.kind)
    return `object 0x${o.id.toString(16)} is not a known ${o.kind} object`;
  switch (o.kind) {
    case 'number': {
      const raw = Math.round(def.multiplier === undefined ? o.value * def.divisor : o.value / def.multiplier);
      const bits = def.size * 8;
      const min = def.signed ? -(2 ** (bits - 1)) : 0;
      const max = def.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      if (!Number.isFinite(raw) || raw < min || raw > max)
        return `value out of range for object 0x${o.id.toString(16)}`;
      const buf = Buffer.alloc(1 + def.size);
      buf[0] = o.id;
      if (def.signed) buf.writeIntLE(raw, 1, def.size);
      else buf.writeUIntLE(raw, 1, def.size);
      return buf;
    }
    case 'binary':
      return Buffer.from([o.id, o.value ? 1 : 0]);
    case 'button':
      return Buffer.from([o.id, buttonEventCode(o.event)]);
    case 'dimmer':
      if (!Number.isInteger(o.steps) || o.steps < 0 || o.steps > 255) return 'dimmer steps must be 0..255';
      return Buffer.from([o.id, dimmerEventCode(o.event), o.steps]);
    case 'text':
    case 'raw': {
      const value = o.kind === 'text' ? Buffer.from(o.value, 'utf8') : Buffer.from(o.value);
      if (value.length > 255) return `${o.kind} object longer than 255 bytes`;
      return Buffer.concat([Buffer.from([o.id, value.length]), value]);
    }
  }
}

/**
 * Encodes BTHome v2 service data [PENDANT SPEC §2] (for the device simulator and round-trip
 * tests). With `encryption`, the objects are sealed with AES-128-CCM and followed by the counter
 * and MIC [PENDANT SPEC §2.5]. Returns BAKEN_ERR_ADVERT_FORMAT for input it cannot represent.
 */
export function encodeBthome(input: BthomeEncodeInput): Result<Uint8Array> {
  const parts: Buffer[] = [];
  for (const o of input.objects) {
    const encoded = encodeObject(o);
    if (typeof encoded === 'string') return fail('BAKEN_ERR_ADVERT_FORMAT', `BTHome encode: ${encoded}`);
    parts.push(encoded);
  }
  const objects = Buffer.concat(parts);
  let info = 2 << 5;
  if (input.triggerBased === true) info |= BTHOME_INFO_TRIGGER;
  const head: Buffer[] = [];
  if (input.addressInPayload !== undefined) {
    const address = parseBleAddress(input.addressInPayload);
    if (address === null) return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome encode: bad address');
    info |= BTHOME_INFO_ADDRESS;
    head.push(Buffer.from(address).reverse());
  }
  const enc = input.encryption;
  if (enc === undefined) return ok(Uint8Array.from(Buffer.concat([Buffer.from([info]), ...head, objects])));
  info |= BTHOME_INFO_ENCRYPTED;
  const address = parseBleAddress(enc.address);
  if (address === null) return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome encode: bad address');
  if (enc.key.length !== 16)
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome encode: bind key must be 16 bytes');
  if (!Number.isInteger(enc.counter) || enc.counter < 0 || enc.counter > 0xffffffff) {
    return fail('BAKEN_ERR_ADVERT_FORMAT', 'BTHome encode: counter must be a 32-bit unsigned integer');
  }
  const { ciphertext, mic } = bthomeSeal(enc.key, bthomeNonce(address, info, enc.counter), objects);
  const counter = Buffer.alloc(4);
  counter.writeUInt32LE(enc.counter);
  return ok(Uint8Array.from(Buffer.concat([Buffer.from([info]), ...head, ciphertext, counter, mic])));
}
