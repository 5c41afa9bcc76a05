import { timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../errors.js';
import { KS_COMMAND_MAC_SIZE, KS_DEVICE_KEY_SIZE } from './auth-command-codec.js';
import { KS_DEFAULT_AUTH_POLICY, type KsAuthPolicy, ksKeystreamXor, ksSignCommand } from './command-auth.js';
import { KsReason } from './message-types.js';
import type { KsAuthCommand } from './messages.js';

/** Bytes of a key safe's installation secret I [KS-SERIAL §8.8]. */
export const KS_INSTALL_SECRET_SIZE = 16;
/** Seconds the pairing window stays open after the pairing button is pressed [KS-SERIAL §8.8]. */
export const KS_PAIRING_WINDOW_SECONDS = 300;

const WRAP_TAG = new TextEncoder().encode('KS1W');

export type KsKeyInstall = Extract<KsAuthCommand, { kind: 'key_install' }>;

/** What the key safe keeps for KEY_INSTALL (non-volatile, never reset) — [KS-SERIAL §8.8]. */
export interface KsInstallState {
  serial: string;
  /** COUNTER of the last accepted KEY_INSTALL; 0 before any. */
  installCounter: bigint;
  clockValid: boolean;
  /** The pairing window is open (button pressed within the last 300 s). */
  pairing: boolean;
}

export type KsKeyInstallVerdict =
  | { accept: true; key: Uint8Array; installCounter: bigint }
  | { accept: false; refuse: number; message: string };

/** WRAPPED_KEY = K XOR HMAC-SHA-256(I, "KS1W" | SERIAL_LEN | SERIAL | COUNTER u64) — [KS-SERIAL §8.8]. */
export function ksWrapDeviceKey(
  installSecret: Uint8Array,
  serial: string,
  counter: bigint,
  key: Uint8Array,
): Result<Uint8Array> {
  if (key.length !== KS_DEVICE_KEY_SIZE) return fail('BAKEN_ERR_MESSAGE_PAYLOAD', 'K must be 32 bytes');
  return ksKeystreamXor(WRAP_TAG, installSecret, serial, counter, key);
}

/** Server side: KEY_INSTALL carrying `key` for `serial`, wrapped and MACed under I — [KS-SERIAL §8.8]. */
export function ksBuildKeyInstall(p: {
  serial: string;
  counter: bigint;
  issuedAt: number;
  expiresAt: number;
  key: Uint8Array;
  installSecret: Uint8Array;
}): Result<KsKeyInstall> {
  const wrapped = ksWrapDeviceKey(p.installSecret, p.serial, p.counter, p.key);
  if (!wrapped.ok) return wrapped;
  const auth = { targetSerial: p.serial, counter: p.counter, issuedAt: p.issuedAt, expiresAt: p.expiresAt };
  const signed = ksSignCommand({ kind: 'key_install', wrappedKey: wrapped.value, auth }, p.installSecret);
  return signed as Result<KsKeyInstall>;
}

const refuse = (reason: number, message: string): KsKeyInstallVerdict => ({
  accept: false,
  refuse: reason,
  message,
});

/**
 * Key-safe side — [KS-SERIAL §8.8]. Pure; checks in order: wrong device, bad MAC under I, pairing
 * window closed, COUNTER not above the last KEY_INSTALL (replay), validity too long, and with a valid
 * clock not yet valid / expired. On acceptance the unwrapped K and the counter to persist.
 */
export function ksVerifyKeyInstall(
  state: KsInstallState,
  cmd: KsKeyInstall,
  deviceNow: number,
  installSecret: Uint8Array,
  policy: KsAuthPolicy = KS_DEFAULT_AUTH_POLICY,
): KsKeyInstallVerdict {
  const { auth } = cmd;
  if (auth.targetSerial !== state.serial)
    return refuse(KsReason.WrongDevice, 'command is for another device');
  const { mac: _mac, ...unsignedAuth } = auth;
  const expected = ksSignCommand(
    { kind: 'key_install', wrappedKey: cmd.wrappedKey, auth: unsignedAuth },
    installSecret,
  );
  if (
    !expected.ok ||
    !(auth.mac instanceof Uint8Array) ||
    auth.mac.length !== KS_COMMAND_MAC_SIZE ||
    !timingSafeEqual(expected.value.auth.mac, auth.mac)
  ) {
    return refuse(KsReason.BadMac, 'KEY_INSTALL does not verify under the installation secret');
  }
  if (!state.pairing) return refuse(KsReason.NotPairing, 'pairing window not open');
  if (auth.counter <= state.installCounter) return refuse(KsReason.CounterReplay, 'counter not above last');
  if (auth.expiresAt < auth.issuedAt || auth.expiresAt - auth.issuedAt > policy.maxValidity) {
    return refuse(KsReason.ValidityTooLong, 'validity window too long or inverted');
  }
  if (state.clockValid) {
    if (deviceNow + policy.maxSkew < auth.issuedAt)
      return refuse(KsReason.NotYetValid, 'issued in the future');
    if (deviceNow > auth.expiresAt) return refuse(KsReason.Expired, 'command expired');
  }
  const key = ksWrapDeviceKey(installSecret, state.serial, auth.counter, cmd.wrappedKey);
  if (!key.ok) return refuse(KsReason.BadPayload, key.error.message);
  return { accept: true, key: key.value, installCounter: auth.counter };
}

/** The installation code printed inside the door: I as hex in groups of four — [KS-SERIAL §8.8]. */
export function ksInstallationCode(secret: Uint8Array): string {
  return (Buffer.from(secret).toString('hex').match(/.{4}/g) ?? []).join('-');
}

/** Reads an installation code as typed (any case, with or without dashes and spaces). Total. */
export function ksParseInstallationCode(text: string): Result<Uint8Array> {
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${KS_INSTALL_SECRET_SIZE * 2}}$`).test(hex)) {
    return fail(
      'BAKEN_ERR_MESSAGE_PAYLOAD',
      `an installation code is ${KS_INSTALL_SECRET_SIZE * 2} hex digits`,
    );
  }
  return ok(new Uint8Array(Buffer.from(hex, 'hex')));
}
