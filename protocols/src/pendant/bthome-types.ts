import type { BthomeButtonEvent, BthomeCommand, BthomeDimmerEvent } from './bthome-objects.js';

/** A button slot: a defined event, or `'unknown'` for an event id the format does not define. */
export type BthomeButtonSlot = BthomeButtonEvent | 'unknown';

/**
 * One decoded BTHome object; `id` is the object id, `name` from the table [PENDANT SPEC §2.3].
 * An event id the format does not define is kept as `event: 'unknown'` with its `code`, and parsing
 * goes on (its size is known). Text that is not valid UTF-8 is flagged (`value: null`,
 * `invalid: 'utf8'`, the bytes as sent), never turned into replacement characters.
 */
export type BthomeObject =
  | { kind: 'number'; id: number; name: string; value: number; unit?: string }
  /** `raw` is present only when the byte is neither 0 nor 1 (out of format; read as true). */
  | { kind: 'binary'; id: number; name: string; value: boolean; raw?: number }
  | { kind: 'button'; id: 0x3a; name: 'button'; event: BthomeButtonEvent }
  | { kind: 'button'; id: 0x3a; name: 'button'; event: 'unknown'; code: number }
  /** `steps` is a signed byte. */
  | { kind: 'dimmer'; id: 0x3c; name: 'dimmer'; event: BthomeDimmerEvent; steps: number }
  | { kind: 'dimmer'; id: 0x3c; name: 'dimmer'; event: 'unknown'; code: number; steps: number }
  | {
      kind: 'command';
      id: 0x3b;
      name: 'command';
      command: BthomeCommand | 'unknown';
      opcode: number;
      /** 0..31 bytes, meaning opcode and maker specific. */
      args: Uint8Array;
    }
  | { kind: 'text'; id: 0x53; name: 'text'; value: string }
  | { kind: 'text'; id: 0x53; name: 'text'; value: null; invalid: 'utf8'; bytes: Uint8Array }
  | { kind: 'raw'; id: 0x54; name: 'raw'; value: Uint8Array }
  /** Firmware version "a.b.c.d" (0xF1) or "a.b.c" (0xF2). */
  | { kind: 'version'; id: 0xf1 | 0xf2; name: 'firmware_version'; value: string };

/** Why object parsing stopped early; what came before is kept [PENDANT SPEC §2.2]. */
export interface BthomeStop {
  /** `bad_value`: a command object whose reserved length bits are set (its size is unknown). */
  reason: 'unknown_object' | 'truncated' | 'bad_value';
  objectId: number;
  /** Offset inside the (decrypted) object bytes. */
  offset: number;
}

export interface BthomeAdvert {
  version: 2;
  encrypted: boolean;
  triggerBased: boolean;
  /** Address carried in the payload (device-info bit 1), else null. */
  addressInPayload: string | null;
  /** Encryption counter (encrypted adverts only). */
  counter: number | null;
  objects: BthomeObject[];
  /** First packet id object (0x00), if any. */
  packetId: number | null;
  /** First battery object (0x01), if any. */
  battery: number | null;
  /** Every button object in order; 'none' and 'unknown' keep their slot in multi-button adverts. */
  buttons: BthomeButtonSlot[];
  stopped: BthomeStop | null;
}

export interface BthomeDecodeOptions {
  /** The advertiser's address ("AA:BB:…"), needed for the nonce of encrypted adverts. */
  address?: string;
  /** 16-byte bind key; without it an encrypted advert is refused. */
  key?: Uint8Array;
}

export interface BthomeEncodeInput {
  objects: readonly BthomeObject[];
  triggerBased?: boolean;
  /** Put the address in the payload (device-info bit 1). */
  addressInPayload?: string;
  encryption?: { key: Uint8Array; address: string; counter: number };
}
