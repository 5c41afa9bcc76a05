import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../errors.js';
import { encodeAuthBody, KS_AUTH_COMMAND_TYPES_BY_KIND, KS_COMMAND_MAC_SIZE } from './auth-command-codec.js';
import { isPrintableAscii, KsWriter } from './byte-io.js';
import { KsReason } from './message-types.js';
import type { KsAuthCommand, KsCommandAuth } from './messages.js';

/** Limits the key safe enforces on authenticated commands — [KS-SERIAL §8.7]. */
export interface KsAuthPolicy {
  /** Seconds a command may be issued "in the future" of the device clock (drift). */
  maxSkew: number;
  /** Longest allowed expiresAt − issuedAt, seconds. */
  maxValidity: number;
  /** Largest |newTime − deviceNow| a TIME_SYNC may apply while the clock is valid, seconds. */
  maxTimeStep: number;
}

export const KS_DEFAULT_AUTH_POLICY: Readonly<KsAuthPolicy> = {
  maxSkew: 60,
  maxValidity: 86_400,
  maxTimeStep: 300,
};

/** What the key safe persists for command verification (non-volatile) — [KS-SERIAL §8.7]. */
export interface KsAuthState {
  serial: string;
  /** Last accepted counter; 0 before any command. */
  lastCounter: bigint;
  /** False after the RTC lost power: then only TIME_SYNC is accepted, without window or step checks. */
  clockValid: boolean;
}

export type KsVerifyResult =
  | { accept: true; newState: KsAuthState }
  | { accept: false; refuse: number; message: string };

/** An authenticated command before the server signs it. */
export type KsUnsignedAuthCommand = KsAuthCommand extends infer C
  ? C extends { auth: KsCommandAuth }
    ? Omit<C, 'auth'> & { auth: Omit<KsCommandAuth, 'mac'> }
    : never
  : never;

const COMMAND_TAG = new TextEncoder().encode('KS1C');
/** KEY_INSTALL is MACed under the installation secret with its own tag [KS-SERIAL §8.8]. */
const INSTALL_TAG = new TextEncoder().encode('KS1I');
const SEAL_TAG = new TextEncoder().encode('KS1S');

/**
 * MAC input — [KS-SERIAL §8.1]:
 * "KS1C" | SERIAL_LEN u8 | SERIAL | TYPE u8 | COUNTER u64 | ISSUED_AT u32 | EXPIRES_AT u32 | BODY
 * ("KS1I" for KEY_INSTALL, whose MAC key is the installation secret, §8.8).
 */
export function ksCommandMacInput(cmd: KsUnsignedAuthCommand | KsAuthCommand): Result<Uint8Array> {
  const type = KS_AUTH_COMMAND_TYPES_BY_KIND[cmd.kind];
  const body = encodeAuthBody(cmd as KsAuthCommand);
  const w = new KsWriter()
    .raw(cmd.kind === 'key_install' ? INSTALL_TAG : COMMAND_TAG, 'tag')
    .ascii(cmd.auth.targetSerial, 1, 32, 'targetSerial')
    .u8(type, 'type')
    .u64(cmd.auth.counter, 'counter')
    .u32(cmd.auth.issuedAt, 'issuedAt')
    .u32(cmd.auth.expiresAt, 'expiresAt')
    .raw(body.bytes, 'body');
  const bad = body.badField ?? w.badField;
  if (bad !== null) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', `field ${bad} out of range for ${cmd.kind}`, { field: bad });
  }
  return ok(w.finish());
}

function mac(key: Uint8Array, input: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(input).digest().subarray(0, KS_COMMAND_MAC_SIZE));
}

/** Server side: attach the MAC (HMAC-SHA-256 truncated to 16 bytes) — [KS-SERIAL §8.1]. */
export function ksSignCommand(cmd: KsUnsignedAuthCommand, key: Uint8Array): Result<KsAuthCommand> {
  const input = ksCommandMacInput(cmd);
  if (!input.ok) return input;
  return ok({ ...cmd, auth: { ...cmd.auth, mac: mac(key, input.value) } } as KsAuthCommand);
}

const refuse = (reason: number, message: string): KsVerifyResult => ({
  accept: false,
  refuse: reason,
  message,
});

/**
 * Key-safe side: decide whether to act on an authenticated command — [KS-SERIAL §8.7]. Pure; checks in
 * this order: wrong device, bad MAC, counter not greater than the last accepted (replay or reorder),
 * validity window too long, clock not set, not yet valid, expired, time step too large. Only an accepted
 * command advances the counter; the caller persists `newState` before acting.
 */
export function ksVerifyCommand(
  state: KsAuthState,
  cmd: KsAuthCommand,
  deviceNow: number,
  key: Uint8Array,
  policy: KsAuthPolicy = KS_DEFAULT_AUTH_POLICY,
): KsVerifyResult {
  const { auth } = cmd;
  // [KS-SERIAL §8.8] never under K: KEY_INSTALL has its own verification (ksVerifyKeyInstall)
  if (cmd.kind === 'key_install') return refuse(KsReason.BadMac, 'KEY_INSTALL is not verified under K');
  if (auth.targetSerial !== state.serial)
    return refuse(KsReason.WrongDevice, 'command is for another device');
  const input = ksCommandMacInput(cmd);
  if (!input.ok || !(auth.mac instanceof Uint8Array) || auth.mac.length !== KS_COMMAND_MAC_SIZE) {
    return refuse(KsReason.BadMac, 'command cannot be authenticated');
  }
  if (!timingSafeEqual(mac(key, input.value), auth.mac)) return refuse(KsReason.BadMac, 'MAC mismatch');
  if (auth.counter <= state.lastCounter) return refuse(KsReason.CounterReplay, 'counter not above last');
  if (auth.expiresAt < auth.issuedAt || auth.expiresAt - auth.issuedAt > policy.maxValidity) {
    return refuse(KsReason.ValidityTooLong, 'validity window too long or inverted');
  }
  const isTimeSync = cmd.kind === 'time_sync';
  if (state.clockValid) {
    if (deviceNow + policy.maxSkew < auth.issuedAt)
      return refuse(KsReason.NotYetValid, 'issued in the future');
    if (deviceNow > auth.expiresAt) return refuse(KsReason.Expired, 'command expired');
    if (isTimeSync && Math.abs(cmd.newTime - deviceNow) > policy.maxTimeStep) {
      return refuse(KsReason.TimeStepTooLarge, 'time step exceeds maximum');
    }
  } else if (!isTimeSync) {
    return refuse(KsReason.ClockNotSet, 'clock not set; only TIME_SYNC accepted');
  }
  return {
    accept: true,
    newState: { ...state, lastCounter: auth.counter, clockValid: state.clockValid || isTimeSync },
  };
}

/**
 * Seal or unseal SET_CODE code material (XOR is its own inverse) — [KS-SERIAL §8.3]:
 * keystream = HMAC-SHA-256(K, "KS1S" | SERIAL_LEN | SERIAL | COUNTER u64)[0..n], n ≤ 32. The counter is
 * unique per command, so a keystream is never reused; the command MAC covers the sealed bytes.
 */
export function ksSealCodeMaterial(
  key: Uint8Array,
  serial: string,
  counter: bigint,
  data: Uint8Array,
): Result<Uint8Array> {
  if (data.length < 1 || data.length > 32 || !isPrintableAscii(serial) || serial.length < 1) {
    return fail('BAKEN_ERR_MESSAGE_PAYLOAD', 'code material must be 1..32 bytes for a valid serial');
  }
  return ksKeystreamXor(SEAL_TAG, key, serial, counter, data);
}

/** data XOR HMAC-SHA-256(key, TAG | SERIAL_LEN | SERIAL | COUNTER u64)[0..n], n ≤ 32 (§8.3, §8.8). */
export function ksKeystreamXor(
  tag: Uint8Array,
  key: Uint8Array,
  serial: string,
  counter: bigint,
  data: Uint8Array,
): Result<Uint8Array> {
  const w = new KsWriter().raw(tag, 'tag').ascii(serial, 1, 32, 'serial').u64(counter, 'counter');
  if (w.badField !== null) return fail('BAKEN_ERR_MESSAGE_PAYLOAD', `bad ${w.badField} for sealing`);
  const stream = createHmac('sha256', key).update(w.finish()).digest();
  return ok(data.map((b, i) => b ^ stream[i]!));
}
