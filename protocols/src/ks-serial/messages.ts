import type { KsAuditRecord } from './audit-record.js';

/**
 * Every KS-SERIAL v1.0 message as a discriminated union on `kind` — [KS-SERIAL §5]. The frame's SEQ
 * is link-layer state and lives in `KsFrame`, not here. Times are device time in seconds since the
 * Unix epoch (UTC), u32. All integers are unsigned.
 */

/** Link layer — [KS-SERIAL §4]. */
export type KsLinkMessage = { kind: 'ack' } | { kind: 'nak'; reason: number };

/** [KS-SERIAL §6] */
export interface KsHello {
  kind: 'hello';
  protocolMajor: number;
  protocolMinor: number;
  /** 1..32 printable ASCII. */
  serial: string;
  firmware: { major: number; minor: number; patch: number };
  /** `KsCapability` bits. */
  capabilities: number;
}

/** Carried by every event: the device's event sequence number (= its audit SEQ) and time — [KS-SERIAL §7]. */
export interface KsEventHeader {
  eventSeq: number;
  deviceTime: number;
}

export type KsEvent = KsEventHeader &
  (
    | { kind: 'door_opened' }
    | { kind: 'door_closed' }
    | { kind: 'door_forced' }
    | { kind: 'key_taken'; hook: number }
    | { kind: 'key_returned'; hook: number }
    | { kind: 'code_accepted'; slot: number; holderId: number }
    | { kind: 'code_rejected'; failedAttempts: number }
    | { kind: 'lockout_started'; until: number; failedAttempts: number }
    | { kind: 'lockout_ended' }
    | { kind: 'tamper'; source: number }
    | { kind: 'battery_level'; percent: number; millivolts: number }
    | { kind: 'mains_lost' }
    | { kind: 'mains_restored' }
    | { kind: 'clock_report'; clockValid: boolean; lastSyncAt: number }
    | KsCodeUse
  );

/**
 * Which issued code opened the safe (since 1.1) — [KS-SERIAL §7.1]. `issue` is the COUNTER of the
 * SET_CODE that wrote the slot (at most 48 bits, §7.1); a window code is named by its window and
 * window slot [OTC SPEC §2.1] and by the issue of the offline-code key it was derived from.
 */
export type KsCodeUse =
  | { kind: 'code_used'; slot: number; holderId: number; issue: bigint }
  | {
      kind: 'window_code_used';
      slot: number;
      holderId: number;
      keyIssue: bigint;
      windowStart: number;
      windowSeconds: number;
      windowSlot: number;
    };

/** The server's authentication of a command — [KS-SERIAL §8.1]. */
export interface KsCommandAuth {
  /** Serial of the one key safe this command is for. */
  targetSerial: string;
  /** u64, strictly greater than the last accepted counter of that key safe. */
  counter: bigint;
  issuedAt: number;
  expiresAt: number;
  /** HMAC-SHA-256 truncated to 16 bytes. */
  mac: Uint8Array;
}

export type KsAuthCommand = { auth: KsCommandAuth } & (
  | { kind: 'open_now'; holderId: number; unlockSeconds: number }
  | {
      kind: 'set_code';
      slot: number;
      holderId: number;
      validFrom: number;
      validUntil: number;
      /** `KsCodeKind`. */
      codeKind: number;
      oneTime: boolean;
      /** Code material sealed for the device (§8.3), 1..32 bytes. */
      sealed: Uint8Array;
    }
  | { kind: 'revoke'; slot: number; holderId: number }
  | { kind: 'block'; scope: number; target: number }
  | { kind: 'unblock'; scope: number; target: number }
  | { kind: 'time_sync'; newTime: number }
  /** [KS-SERIAL §8.8] the new per-device key K, wrapped and MACed under the installation secret. */
  | { kind: 'key_install'; wrappedKey: Uint8Array }
);
export type KsAuthCommandKind = KsAuthCommand['kind'];

/** Commands that do not change access — [KS-SERIAL §9]. */
export type KsPlainCommand =
  | { kind: 'read_audit'; fromSeq: number; maxRecords: number }
  | { kind: 'self_test' }
  | { kind: 'status_poll' };

export type KsResponse =
  | {
      kind: 'command_result';
      commandType: number;
      counter: bigint;
      /** `KsReason`; 0 = executed. */
      result: number;
      deviceTime: number;
    }
  | { kind: 'audit_records'; headSeq: number; records: KsAuditRecord[] }
  | { kind: 'self_test_result'; faults: number }
  | {
      kind: 'status';
      deviceTime: number;
      /** `KsStatusFlag` bits. */
      flags: number;
      batteryPercent: number;
      lastCounter: bigint;
      auditHeadSeq: number;
    };

export type KsMessage = KsLinkMessage | KsHello | KsEvent | KsAuthCommand | KsPlainCommand | KsResponse;
export type KsMessageKind = KsMessage['kind'];
/** At most this many audit records fit one AUDIT_RECORDS frame — [KS-SERIAL §9.1]. */
export const KS_MAX_AUDIT_RECORDS_PER_FRAME = 7;
