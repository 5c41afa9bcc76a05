/** Wire constants of KS-SERIAL v1.1: message type bytes, reason codes, bit sets — [KS-SERIAL §5]. */

export const KS_PROTOCOL_MAJOR = 1;
/** 1.1 adds CODE_USED and WINDOW_CODE_USED, 1.2 KEY_INSTALL [KS-SERIAL §7.1, §8.8, §13]. */
export const KS_PROTOCOL_MINOR = 2;

/** TYPE byte of each message — [KS-SERIAL §5.1]. */
export const KsType = {
  Ack: 0x01,
  Nak: 0x02,
  Hello: 0x10,
  // events, device → home unit [KS-SERIAL §7]
  DoorOpened: 0x20,
  DoorClosed: 0x21,
  DoorForced: 0x22,
  KeyTaken: 0x23,
  KeyReturned: 0x24,
  CodeAccepted: 0x25,
  CodeRejected: 0x26,
  LockoutStarted: 0x27,
  LockoutEnded: 0x28,
  Tamper: 0x29,
  BatteryLevel: 0x2a,
  MainsLost: 0x2b,
  MainsRestored: 0x2c,
  ClockReport: 0x2d,
  // since 1.1: which issued code was used [KS-SERIAL §7.1]
  CodeUsed: 0x2e,
  WindowCodeUsed: 0x2f,
  // authenticated commands, home unit → device [KS-SERIAL §8]
  OpenNow: 0x40,
  SetCode: 0x41,
  Revoke: 0x42,
  Block: 0x43,
  Unblock: 0x44,
  TimeSync: 0x45,
  // since 1.2: the per-device key delivered under the installation secret [KS-SERIAL §8.8]
  KeyInstall: 0x46,
  // plain commands [KS-SERIAL §9]
  ReadAudit: 0x50,
  SelfTest: 0x51,
  StatusPoll: 0x52,
  // responses, device → home unit [KS-SERIAL §9]
  CommandResult: 0x60,
  AuditRecords: 0x61,
  SelfTestResult: 0x62,
  Status: 0x63,
} as const;
export type KsTypeCode = (typeof KsType)[keyof typeof KsType];

/** Command types that change who can get in and therefore carry a server MAC — [KS-SERIAL §8.1]. */
export const KS_AUTH_COMMAND_TYPES: ReadonlySet<number> = new Set([
  KsType.OpenNow,
  KsType.SetCode,
  KsType.Revoke,
  KsType.Block,
  KsType.Unblock,
  KsType.TimeSync,
  KsType.KeyInstall,
]);

/**
 * Reason codes, one space for NAK and COMMAND_RESULT — [KS-SERIAL §4.2]. Decoders accept any byte so
 * that a v1.x peer may add reasons; unknown ones are treated as final refusals.
 */
export const KsReason = {
  Ok: 0x00,
  BadCrc: 0x01,
  UnknownType: 0x02,
  BadPayload: 0x03,
  Busy: 0x04,
  UnsupportedVersion: 0x05,
  BadMac: 0x10,
  CounterReplay: 0x11,
  Expired: 0x12,
  NotYetValid: 0x13,
  WrongDevice: 0x14,
  TimeStepTooLarge: 0x15,
  ValidityTooLong: 0x16,
  ClockNotSet: 0x17,
  /** KEY_INSTALL outside the pairing window (§8.8). */
  NotPairing: 0x18,
  /** No per-device key installed yet: only KEY_INSTALL is accepted (§8.8). */
  NoKey: 0x19,
  HardwareFault: 0x20,
  SlotInvalid: 0x21,
} as const;
export type KsReasonCode = (typeof KsReason)[keyof typeof KsReason];

/** NAK reasons after which the sender retransmits (still within its bound) — [KS-SERIAL §4.4]. */
export const KS_RETRYABLE_REASONS: ReadonlySet<number> = new Set([KsReason.BadCrc, KsReason.Busy]);

/** HELLO capability bits — [KS-SERIAL §6]. */
export const KsCapability = {
  DoorSensor: 1 << 0,
  KeyHookSensor: 1 << 1,
  Keypad: 1 << 2,
  OfflineCodes: 1 << 3,
  Ble: 1 << 4,
  MainsPower: 1 << 5,
  Battery: 1 << 6,
  TamperSwitch: 1 << 7,
  Rtc: 1 << 8,
  /** A pairing button inside the door opens the KEY_INSTALL window (§8.8). */
  PairingButton: 1 << 9,
} as const;

/** STATUS flag bits — [KS-SERIAL §9.4]. */
export const KsStatusFlag = {
  DoorOpen: 1 << 0,
  KeyPresent: 1 << 1,
  Blocked: 1 << 2,
  LockedOut: 1 << 3,
  MainsPresent: 1 << 4,
  Tamper: 1 << 5,
  ClockValid: 1 << 6,
  /** The pairing window is open (§8.8). */
  Pairing: 1 << 7,
} as const;

/** SET_CODE kinds — [KS-SERIAL §8.3]. */
export const KsCodeKind = { Pin: 1, OfflineCodeKey: 2 } as const;

/** BLOCK/UNBLOCK scopes — [KS-SERIAL §8.5]. */
export const KsBlockScope = { Safe: 0, Slot: 1, Holder: 2 } as const;
