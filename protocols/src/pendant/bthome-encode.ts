import type { Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { parseBleAddress } from './ble-address.js';
import { bthomeNonce, bthomeSeal } from './bthome-crypto.js';
import { BTHOME_INFO_ADDRESS, BTHOME_INFO_ENCRYPTED, BTHOME_INFO_TRIGGER } from './bthome-decode.js';
import { type BthomeObjectDef, bthomeObjectDef, buttonEventCode, dimmerEventCode } from './bthome-objects.js';
import type { BthomeEncodeInput, BthomeObject } from './bthome-types.js';

const MAX_COMMAND_ARGS = 0x1f;

function encodeInt(def: BthomeObjectDef, raw: number): Buffer | string {
  const bits = def.size * 8;
  const min = def.signed ? -(2 ** (bits - 1)) : 0;
  const max = def.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isFinite(raw) || raw < min || raw > max)
    return `value out of range for object 0x${def.id.toString(16)}`;
  const buf = Buffer.alloc(1 + def.size);
  buf[0] = def.id;
  if (def.signed) buf.writeIntLE(raw, 1, def.size);
  else buf.writeUIntLE(raw, 1, def.size);
  return buf;
}

const isByte = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 255;

function withLength(id: number, value: Uint8Array, max: number, what: string): Buffer | string {
  if (value.length > max) return `${what} longer than ${max} bytes`;
  return Buffer.concat([Buffer.from([id, value.length]), value]);
}

function encodeObject(o: BthomeObject): Buffer | string {
  const def = bthomeObjectDef(o.id);
  if (def === undefined || def.kind !== o.kind)
    return `object 0x${o.id.toString(16)} is not a known ${o.kind} object`;
  switch (o.kind) {
    case 'number':
      return encodeInt(def, Math.round((o.value * def.divisor) / (def.multiplier ?? 1)));
    case 'binary': {
      const raw = o.raw ?? (o.value ? 1 : 0);
      return isByte(raw) ? Buffer.from([o.id, raw]) : 'binary raw value must be a byte';
    }
    case 'button': {
      const code = o.event === 'unknown' ? o.code : buttonEventCode(o.event);
      return isByte(code) ? Buffer.from([o.id, code]) : 'button event code must be a byte';
    }
    case 'dimmer': {
      const code = o.event === 'unknown' ? o.code : dimmerEventCode(o.event);
      if (!isByte(code)) return 'dimmer event code must be a byte';
      if (!Number.isInteger(o.steps) || o.steps < -128 || o.steps > 127)
        return 'dimmer steps must be -128..127';
      const buf = Buffer.from([o.id, code, 0]);
      buf.writeInt8(o.steps, 2);
      return buf;
    }
    case 'command': {
      if (!isByte(o.opcode)) return 'command opcode must be a byte';
      if (o.args.length > MAX_COMMAND_ARGS) return `command arguments longer than ${MAX_COMMAND_ARGS} bytes`;
      return Buffer.concat([Buffer.from([o.id, o.args.length, o.opcode]), o.args]);
    }
    case 'text':
      return withLength(o.id, o.value === null ? o.bytes : Buffer.from(o.value, 'utf8'), 255, 'text object');
    case 'raw':
      return withLength(o.id, o.value, 255, 'raw object');
    case 'version': {
      const parts = o.value.split('.').map(Number);
      if (parts.length !== def.size || !parts.every(isByte))
        return `firmware version 0x${o.id.toString(16)} must be ${def.size} dot-separated bytes`;
      return Buffer.from([o.id, ...parts.reverse()]);
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
