import type { BthomeButtonEvent, BthomeDimmerEvent } from './bthome-objects.js';

/** One decoded BTHome object; `id` is the object id, `name` from the table [PENDANT SPEC §2.3]. */
export type BthomeObject =
  | { kind: 'number'; id: number; name: string; value: number; unit?: string }
  | { kind: 'binary'; id: number; name: string; value: boolean }
  | { kind: 'button'; id: 0x3a; name: 'button'; event: BthomeButtonEvent }
  | { kind: 'dimmer'; id: 0x3c; name: 'dimmer'; event: BthomeDimmerEvent; steps: number }
  | { kind: 'text'; id: 0x53; name: 'text'; value: string }
  | { kind: 'raw'; id: 0x54; name: 'raw'; value: Uint8Array };

/** Why object parsing stopped early; what came before is kept [PENDANT SPEC §2.2]. */
export interface BthomeStop {
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
  /** Every button object in order; 'none' keeps its slot in multi-button adverts. */
  buttons: BthomeButtonEvent[];
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
