import {
  type BthomeObjectDef,
  bthomeObjectDef,
  buttonEventName,
  commandName,
  dimmerEventName,
} from './bthome-objects.js';
import type { BthomeObject, BthomeStop } from './bthome-types.js';

/** Command length byte: the low 5 bits give the argument length, the high 3 are reserved (0). */
const COMMAND_LENGTH_MASK = 0x1f;

// fatal: invalid UTF-8 is flagged, never replaced; ignoreBOM: a leading BOM is kept, not dropped
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readInt(buf: Buffer, offset: number, size: number, signed: boolean): number {
  return signed ? buf.readIntLE(offset, size) : buf.readUIntLE(offset, size);
}

/** Bytes of the value after the object id, or a stop reason [PENDANT SPEC §2.2]. */
function valueSize(def: BthomeObjectDef, buf: Buffer, at: number): number | 'truncated' | 'bad_value' {
  if (def.size > 0) return def.size;
  const length = buf[at];
  if (length === undefined) return 'truncated';
  if (def.kind !== 'command') return 1 + length;
  if ((length & ~COMMAND_LENGTH_MASK) !== 0) return 'bad_value';
  return 2 + length;
}

/** One object whose `size` value bytes start at `at` (the bytes are known to be there). */
function decodeValue(def: BthomeObjectDef, buf: Buffer, at: number, size: number): BthomeObject {
  const id = def.id;
  switch (def.kind) {
    case 'number': {
      const raw = readInt(buf, at, def.size, def.signed);
      return {
        kind: 'number',
        id,
        name: def.name,
        value: (raw * (def.multiplier ?? 1)) / def.divisor,
        ...(def.unit === undefined ? {} : { unit: def.unit }),
      };
    }
    case 'binary': {
      const raw = buf[at] as number;
      return { kind: 'binary', id, name: def.name, value: raw !== 0, ...(raw > 1 ? { raw } : {}) };
    }
    case 'button': {
      const code = buf[at] as number;
      const event = buttonEventName(code);
      return event === undefined
        ? { kind: 'button', id: 0x3a, name: 'button', event: 'unknown', code }
        : { kind: 'button', id: 0x3a, name: 'button', event };
    }
    case 'dimmer': {
      const code = buf[at] as number;
      const steps = buf.readInt8(at + 1);
      const event = dimmerEventName(code);
      return event === undefined
        ? { kind: 'dimmer', id: 0x3c, name: 'dimmer', event: 'unknown', code, steps }
        : { kind: 'dimmer', id: 0x3c, name: 'dimmer', event, steps };
    }
    case 'command': {
      const opcode = buf[at + 1] as number;
      return {
        kind: 'command',
        id: 0x3b,
        name: 'command',
        command: commandName(opcode) ?? 'unknown',
        opcode,
        args: Uint8Array.from(buf.subarray(at + 2, at + size)),
      };
    }
    case 'text': {
      const bytes = Uint8Array.from(buf.subarray(at + 1, at + size));
      try {
        return { kind: 'text', id: 0x53, name: 'text', value: UTF8.decode(bytes) };
      } catch {
        return { kind: 'text', id: 0x53, name: 'text', value: null, invalid: 'utf8', bytes };
      }
    }
    case 'raw':
      return { kind: 'raw', id: 0x54, name: 'raw', value: Uint8Array.from(buf.subarray(at + 1, at + size)) };
    case 'version': {
      const parts = Array.from(buf.subarray(at, at + size)).reverse();
      return { kind: 'version', id: id as 0xf1 | 0xf2, name: 'firmware_version', value: parts.join('.') };
    }
  }
}

/**
 * Parses the object list [PENDANT SPEC §2.2]. Stops, keeping what came before, at an unknown object
 * id (its size cannot be known), a value running past the end, or a command whose reserved length
 * bits are set. An undefined event id inside a known object does not stop parsing. Never throws.
 */
export function parseBthomeObjects(bytes: Uint8Array): {
  objects: BthomeObject[];
  stopped: BthomeStop | null;
} {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const objects: BthomeObject[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const id = buf[pos] as number;
    const def = bthomeObjectDef(id);
    if (def === undefined)
      return { objects, stopped: { reason: 'unknown_object', objectId: id, offset: pos } };
    const at = pos + 1;
    const size = valueSize(def, buf, at);
    if (size === 'bad_value') return { objects, stopped: { reason: 'bad_value', objectId: id, offset: pos } };
    if (size === 'truncated' || at + size > buf.length)
      return { objects, stopped: { reason: 'truncated', objectId: id, offset: pos } };
    objects.push(decodeValue(def, buf, at, size));
    pos = at + size;
  }
  return { objects, stopped: null };
}
