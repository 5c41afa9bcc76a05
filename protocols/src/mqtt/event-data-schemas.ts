/**
 * Per-kind `data` schemas of the `events` topic [MQTT-MAP §4.1]. The event kind (together with the
 * device kind) selects exactly one of these; the envelope itself lives in `event-schemas.ts`.
 */
import { Type } from '@sinclair/typebox';
import {
  closed,
  EpochMsSchema,
  hexSchema,
  NullableEpochMsSchema,
  NullablePercentSchema,
  PercentSchema,
  RssiSchema,
  textSchema,
  VersionStringSchema,
} from './common-schemas.js';

/** Most audit records a single `audit_records` event carries; larger buffers are split [§4.1.3]. */
export const MAX_AUDIT_RECORDS_PER_EVENT = 256;

const SeqSchema = Type.Integer({ minimum: 0, maximum: 4_294_967_295 });
const SlotSchema = Type.Integer({ minimum: 0, maximum: 255 });

// ---- pendant [MQTT-MAP §4.1.2] -------------------------------------------------------------------

/** Which advert format the press arrived in (protocols/pendant): Baken's own or BTHome v2. */
export const PendantFormatSchema = Type.Union([Type.Literal('baken'), Type.Literal('bthome')]);

/** A button press (alarm, cancel, fall, test) as seen by the home unit. */
export const PendantPressDataSchema = closed({
  format: Type.Optional(PendantFormatSchema),
  rssi: Type.Optional(Type.Union([RssiSchema, Type.Null()])),
  /** The advert's counter / BTHome packet id, used by the gateway to collapse repeats. */
  counter: Type.Optional(SeqSchema),
  /**
   * Whether a key the home unit holds proved the advert (Baken MAC, encrypted BTHome); false for
   * plaintext BTHome, which anyone in radio range can forge [PENDANT SPEC §5.1]. Absent from older
   * gateways: the server treats absent as not authenticated.
   */
  authenticated: Type.Optional(Type.Boolean()),
});

export const PendantLowBatteryDataSchema = closed({ percent: Type.Optional(NullablePercentSchema) });
export const BatteryDataSchema = closed({ percent: PercentSchema });

// ---- key safe [MQTT-MAP §4.1.3] ------------------------------------------------------------------

export const EmptyDataSchema = closed({});

export const DoorOpenedDataSchema = closed({
  cause: Type.Optional(
    Type.Union([
      Type.Literal('code'),
      Type.Literal('remote'),
      Type.Literal('mechanical_key'),
      Type.Literal('unknown'),
    ]),
  ),
  /** The code slot that opened it, when `cause` is `code`. */
  slot: Type.Optional(SlotSchema),
});

export const KeyHookDataSchema = closed({ hook: Type.Optional(Type.Integer({ minimum: 0, maximum: 63 })) });

/** How the accepted code was produced (protocols/access-codes). */
export const CodeKindSchema = Type.Union([
  Type.Literal('one_time'),
  Type.Literal('totp'),
  Type.Literal('hotp'),
  Type.Literal('static'),
]);

export const CodeAcceptedDataSchema = closed({
  slot: SlotSchema,
  /** Server-side id of the person the code was issued to; never the code itself. */
  holderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  codeKind: CodeKindSchema,
  /**
   * Which issued code it was [KS-SERIAL §7.1]: the ISSUE (SET_CODE counter, decimal) of the slot —
   * of the PIN, or of the offline-code key a window code was derived from. Absent from 1.0 key safes.
   */
  issue: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15 })),
  /** A window code's window [OTC SPEC §2.1]: start (device time), length and window slot. */
  window: Type.Optional(
    closed({
      start: EpochMsSchema,
      seconds: Type.Integer({ minimum: 900, maximum: 229_500, multipleOf: 900 }),
      slot: SlotSchema,
    }),
  ),
});

export const CodeRejectedDataSchema = closed({
  reason: Type.Union([
    Type.Literal('wrong'),
    Type.Literal('expired'),
    Type.Literal('not_yet_valid'),
    Type.Literal('used'),
    Type.Literal('locked_out'),
    Type.Literal('revoked'),
    Type.Literal('unknown'),
  ]),
  /** Consecutive failed attempts so far, as counted by the key safe. */
  failedAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
});

export const LockoutStartedDataSchema = closed({
  failedAttempts: Type.Integer({ minimum: 0, maximum: 65_535 }),
  /** Device time at which the lockout ends, if the key safe reports it. */
  until: Type.Optional(NullableEpochMsSchema),
});

export const TamperDataSchema = closed({ source: Type.Optional(textSchema(64)) });

export const ClockReportDataSchema = closed({
  deviceTime: EpochMsSchema,
  /** deviceTime minus the home unit's clock at reception; positive when the device runs ahead. */
  offsetMs: Type.Integer({ minimum: -1e13, maximum: 1e13 }),
});

/** One entry of the key safe's tamper-evident audit buffer [KS-SERIAL, audit records]. */
export const AuditRecordSchema = closed({
  seq: SeqSchema,
  deviceTime: EpochMsSchema,
  /** The KS-SERIAL event name of the record, e.g. `door_opened`. */
  kind: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$', maxLength: 32 }),
  /** Who or what the record is about (a slot, a holder id), if anything. */
  subject: Type.Optional(textSchema(64)),
  /** The record's MAC as produced by the key safe, checked by the server. */
  macHex: hexSchema(4, 32),
});

export const AuditRecordsDataSchema = closed({
  records: Type.Array(AuditRecordSchema, { maxItems: MAX_AUDIT_RECORDS_PER_EVENT }),
  firstSeq: SeqSchema,
  lastSeq: SeqSchema,
});

// ---- gateway [MQTT-MAP §4.1.4] -------------------------------------------------------------------

export const ScanRestartedDataSchema = closed({
  reason: textSchema(128),
  /** Scan restarts since the home unit started. */
  restarts: Type.Integer({ minimum: 0, maximum: 4_294_967_295 }),
  /** The watchdog's step: a discovery restart or an adapter power cycle (absent: restart). */
  action: Type.Optional(Type.Union([Type.Literal('restart'), Type.Literal('adapter_reset')])),
  /** Adapter power cycles since the home unit started. */
  adapterResets: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
});

export const GatewayStartedDataSchema = closed({
  software: VersionStringSchema,
  /** Why the previous run ended, if known (e.g. `sigterm`, `crash`, `power_loss`). */
  previousExit: Type.Optional(textSchema(64)),
  /** Events still in the outbox from the previous run. */
  outboxDepth: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** The steps of a server-pushed update on the home unit [MQTT-MAP §4.1.5]. */
export const UPDATE_STATES = [
  'accepted',
  'downloading',
  'installed',
  'healthy',
  'rolled_back',
  'failed',
  'refused',
] as const;
export const UpdateReportDataSchema = closed({
  state: Type.Union(UPDATE_STATES.map((s) => Type.Literal(s))),
  /** The version the update installs. */
  version: VersionStringSchema,
  /** The version running when the report was written (after a rollback: the previous one). */
  running: VersionStringSchema,
  /** The rollout the offer came from (echoed from `cmd/req` params). */
  rollout: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', maxLength: 64 })),
  /** Why it failed, was refused or rolled back: a `BAKEN_ERR_…` code and a few words. */
  reason: Type.Optional(textSchema(256)),
});
