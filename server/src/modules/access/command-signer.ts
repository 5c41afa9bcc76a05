import {
  type KsAuthCommand,
  type KsUnsignedAuthCommand,
  ksEncodeFrame,
  ksEncodeMessage,
  ksSealCodeMaterial,
  ksSignCommand,
} from '@baken/protocols';
import { BakenError } from '../../errors.js';
import { type KeysafeKeys, keysafeNoKey } from './keysafe-keys.js';

/** A command the server built itself could not be sealed, signed or encoded: a bug, never the caller's. */
const internal = (why: string) =>
  new BakenError(
    'BAKEN_ERR_INTERNAL',
    500,
    `The key safe command could not be built (${why}); this is a server bug.`,
  );

type Body<C> = C extends { auth: unknown } ? Omit<C, 'auth'> : never;
/** An authenticated command before counter, times and MAC are added. */
export type KeysafeCommandBody = Body<KsAuthCommand>;
/** SET_CODE with the code material in clear; it is sealed for the device (KS-SERIAL §8.3) and then forgotten. */
export type SetMaterialBody = Omit<Extract<KeysafeCommandBody, { kind: 'set_code' }>, 'sealed'> & {
  material: Uint8Array;
};

/** Validity of a signed command, seconds: OPEN_NOW recommended 120 s (KS-SERIAL §8.2); others alike. */
export const COMMAND_VALIDITY_S = 120;

export interface SignedFrame {
  counter: bigint;
  frameHex: string;
  command: KsAuthCommand;
}

/**
 * Builds and signs one authenticated KS-SERIAL command for one key safe: reserves the next counter,
 * sets ISSUED_AT from the server's estimate of the device clock and EXPIRES_AT = ISSUED_AT + validity,
 * seals PIN material, MACs it and encodes the complete frame (link SEQ 0; the home unit relays the
 * bytes unchanged, KS-SERIAL §8.1). Only this function sees K.
 */
export async function signKeysafeCommand(
  keys: KeysafeKeys,
  deviceId: string,
  body: KeysafeCommandBody | SetMaterialBody,
  deviceNowS: number,
  validityS = COMMAND_VALIDITY_S,
): Promise<SignedFrame> {
  const k = await keys.key(deviceId);
  if (!k) throw keysafeNoKey();
  const counter = await keys.nextCounter(deviceId);
  let full: KeysafeCommandBody;
  if (body.kind === 'set_code' && 'material' in body) {
    const { material, ...rest } = body;
    const sealed = ksSealCodeMaterial(k.key, k.serial, counter, material);
    if (!sealed.ok) throw internal(sealed.error.message);
    full = { ...rest, sealed: sealed.value };
  } else {
    full = body as KeysafeCommandBody;
  }
  const unsigned = {
    ...full,
    auth: { targetSerial: k.serial, counter, issuedAt: deviceNowS, expiresAt: deviceNowS + validityS },
  } as KsUnsignedAuthCommand;
  const signed = ksSignCommand(unsigned, k.key);
  if (!signed.ok) throw internal(signed.error.message);
  const frame = ksEncodeMessage(signed.value, 0);
  if (!frame.ok) throw internal(frame.error.message);
  const bytes = ksEncodeFrame(frame.value);
  if (!bytes.ok) throw internal(bytes.error.message);
  return { counter, frameHex: Buffer.from(bytes.value).toString('hex'), command: signed.value };
}
