import { type KsReader, KsWriter } from './byte-io.js';
import { KsType } from './message-types.js';
import type { KsAuthCommand, KsCommandAuth } from './messages.js';

/**
 * Authenticated command payloads — [KS-SERIAL §8.1]:
 *
 *   SERIAL_LEN u8 | SERIAL | COUNTER u64 | ISSUED_AT u32 | EXPIRES_AT u32 | BODY | MAC 16
 */

export const KS_COMMAND_MAC_SIZE = 16;
/** Size of the per-device key K and of KEY_INSTALL's WRAPPED_KEY [KS-SERIAL §1, §8.8]. */
export const KS_DEVICE_KEY_SIZE = 32;
export const KS_MAX_SEALED = 32;

export const KS_AUTH_COMMAND_TYPES_BY_KIND = {
  open_now: KsType.OpenNow,
  set_code: KsType.SetCode,
  revoke: KsType.Revoke,
  block: KsType.Block,
  unblock: KsType.Unblock,
  time_sync: KsType.TimeSync,
  key_install: KsType.KeyInstall,
} as const satisfies Record<KsAuthCommand['kind'], number>;

/** BODY of an authenticated command (§8.2–§8.6); also the MAC input's last part. */
export function writeAuthBody(w: KsWriter, c: KsAuthCommand): KsWriter {
  switch (c.kind) {
    case 'open_now':
      return w.u32(c.holderId, 'holderId').u8(c.unlockSeconds, 'unlockSeconds');
    case 'set_code':
      return w
        .u8(c.slot, 'slot')
        .u32(c.holderId, 'holderId')
        .u32(c.validFrom, 'validFrom')
        .u32(c.validUntil, 'validUntil')
        .u8(c.codeKind, 'codeKind')
        .bool(c.oneTime, 'oneTime')
        .bytesLp(c.sealed, 1, KS_MAX_SEALED, 'sealed');
    case 'revoke':
      return w.u8(c.slot, 'slot').u32(c.holderId, 'holderId');
    case 'block':
    case 'unblock':
      return w.u8(c.scope, 'scope').u32(c.target, 'target');
    case 'time_sync':
      return w.u32(c.newTime, 'newTime');
    case 'key_install':
      return w.raw(c.wrappedKey, 'wrappedKey', KS_DEVICE_KEY_SIZE);
  }
}

export function encodeAuthBody(c: KsAuthCommand): { bytes: Uint8Array; badField: string | null } {
  const w = writeAuthBody(new KsWriter(), c);
  return { bytes: w.finish(), badField: w.badField };
}

export function writeAuthCommand(w: KsWriter, c: KsAuthCommand): void {
  w.ascii(c.auth.targetSerial, 1, 32, 'targetSerial')
    .u64(c.auth.counter, 'counter')
    .u32(c.auth.issuedAt, 'issuedAt')
    .u32(c.auth.expiresAt, 'expiresAt');
  writeAuthBody(w, c).raw(c.auth.mac, 'mac', KS_COMMAND_MAC_SIZE);
}

/** Reads an authenticated command of `type`; null when `type` is not one. */
export function readAuthCommand(r: KsReader, type: number): KsAuthCommand | null {
  const head = { targetSerial: r.ascii(1, 32), counter: r.u64(), issuedAt: r.u32(), expiresAt: r.u32() };
  const withMac = <T extends object>(body: T): T & { auth: KsCommandAuth } => ({
    ...body,
    auth: { ...head, mac: r.raw(KS_COMMAND_MAC_SIZE) },
  });
  switch (type) {
    case KsType.OpenNow:
      return withMac({ kind: 'open_now' as const, holderId: r.u32(), unlockSeconds: r.u8() });
    case KsType.SetCode:
      return withMac({
        kind: 'set_code' as const,
        slot: r.u8(),
        holderId: r.u32(),
        validFrom: r.u32(),
        validUntil: r.u32(),
        codeKind: r.u8(),
        oneTime: r.bool(),
        sealed: r.bytesLp(1, KS_MAX_SEALED),
      });
    case KsType.Revoke:
      return withMac({ kind: 'revoke' as const, slot: r.u8(), holderId: r.u32() });
    case KsType.Block:
      return withMac({ kind: 'block' as const, scope: r.u8(), target: r.u32() });
    case KsType.Unblock:
      return withMac({ kind: 'unblock' as const, scope: r.u8(), target: r.u32() });
    case KsType.TimeSync:
      return withMac({ kind: 'time_sync' as const, newTime: r.u32() });
    case KsType.KeyInstall:
      return withMac({ kind: 'key_install' as const, wrappedKey: r.raw(KS_DEVICE_KEY_SIZE) });
    default:
      return null;
  }
}
