/**
 * Schemas of every topic except `events` [MQTT-MAP §4.2–4.8]. All objects are closed; see
 * [MQTT-MAP §2.5] for how receivers treat unknown properties within v1.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  BleAddressSchema,
  closed,
  DeviceIdSchema,
  EpochMsSchema,
  GatewayIdSchema,
  hexSchema,
  MessageIdSchema,
  NullableEpochMsSchema,
  NullablePercentSchema,
  RssiSchema,
  TransactionSchema,
  textSchema,
  VersionSchema,
  VersionStringSchema,
} from './common-schemas.js';

/** Most event ids one `ack` carries [MQTT-MAP §4.2]. */
export const MAX_ACK_IDS = 1000;
/** Most devices one heartbeat or one config lists [MQTT-MAP §4.3, §4.7]. */
export const MAX_DEVICES_PER_GATEWAY = 64;
/** Largest KS-SERIAL frame relayed through `cmd/*`, in bytes [MQTT-MAP §4.5]. */
export const MAX_RELAYED_FRAME_BYTES = 1024;

// [MQTT-MAP §4.2] server → gw
export const AckPayloadSchema = closed({
  v: VersionSchema,
  ids: Type.Array(MessageIdSchema, { minItems: 1, maxItems: MAX_ACK_IDS }),
});
export type AckPayload = Static<typeof AckPayloadSchema>;

// [MQTT-MAP §4.3] gw → server
export const DeviceLinkStateSchema = Type.Union([
  Type.Literal('up'),
  Type.Literal('down'),
  Type.Literal('unknown'),
]);
const RefusalCount = Type.Optional(Type.Integer({ minimum: 0 }));
/**
 * Adverts from a paired pendant the home unit refused since it started, by reason
 * [PENDANT SPEC §5.2]; reasons with no refusal may be left out.
 */
export const PendantRefusalsPayloadSchema = closed({
  downgrade: RefusalCount,
  auth_failed: RefusalCount,
  replay: RefusalCount,
  no_key: RefusalCount,
  malformed: RefusalCount,
});
export type PendantRefusalsPayload = Static<typeof PendantRefusalsPayloadSchema>;
export const HeartbeatDevicePayloadSchema = closed({
  deviceId: DeviceIdSchema,
  kind: Type.Union([Type.Literal('pendant'), Type.Literal('keysafe')]),
  link: DeviceLinkStateSchema,
  lastSeen: NullableEpochMsSchema,
  rssi: Type.Union([RssiSchema, Type.Null()]),
  battery: NullablePercentSchema,
  firmware: Type.Optional(VersionStringSchema),
  /** Times the gateway reopened the device's link after losing it (e.g. a key safe unplugged and back). */
  reopens: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Pendants only, when any advert was refused since the unit started (possible spoofing). */
  refused: Type.Optional(PendantRefusalsPayloadSchema),
});
/** [MQTT-MAP §4.3.1] the state of the gateway's outbox disk. */
export const StorageStateSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('low-space'),
  Type.Literal('full'),
  Type.Literal('read-only'),
  Type.Literal('failed'),
]);
export type StorageStatePayload = Static<typeof StorageStateSchema>;
export const HeartbeatPayloadSchema = closed({
  v: VersionSchema,
  gatewayId: GatewayIdSchema,
  sentAt: EpochMsSchema,
  uptimeS: Type.Integer({ minimum: 0 }),
  software: VersionStringSchema,
  /** The interval the gateway is running at; the server derives silence thresholds from it. */
  intervalS: Type.Integer({ minimum: 1, maximum: 86_400 }),
  mains: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('unknown')])),
  unitBattery: Type.Optional(NullablePercentSchema),
  outbox: closed({
    depth: Type.Integer({ minimum: 0 }),
    /** Age of the oldest unacknowledged entry; null (or 0) when the outbox is empty. */
    oldestAgeS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  }),
  /**
   * The outbox's data disk [MQTT-MAP §4.3.1]; absent from older gateways (read as `ok`). Anything
   * but `ok` is a degraded home unit: the server raises a warning and an incident.
   */
  storage: Type.Optional(
    closed({
      state: StorageStateSchema,
      /** When this state began (gateway clock). */
      since: EpochMsSchema,
      /** Entries held only in memory because the disk refuses them. */
      memoryDepth: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** Home unit clock minus server time as last measured, if known. */
  clockOffsetMs: Type.Optional(Type.Integer({ minimum: -1e13, maximum: 1e13 })),
  scan: closed({
    running: Type.Boolean(),
    restarts: Type.Integer({ minimum: 0 }),
    /** Adapter power cycles by the scan watchdog since start (absent from older units). */
    adapterResets: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The watchdog's last step and why (`restart: …` / `adapter_reset: …`); null before any. */
    lastResetReason: Type.Optional(Type.Union([textSchema(128), Type.Null()])),
    lastResetAt: Type.Optional(NullableEpochMsSchema),
  }),
  devices: Type.Array(HeartbeatDevicePayloadSchema, { maxItems: MAX_DEVICES_PER_GATEWAY }),
});
export type HeartbeatPayload = Static<typeof HeartbeatPayloadSchema>;

// [MQTT-MAP §4.4] gw → server, retained, also the last will
export const AvailabilityPayloadSchema = closed({
  v: VersionSchema,
  state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  /** When the state began; null in the last will, whose payload is fixed at connect time. */
  at: NullableEpochMsSchema,
});
export type AvailabilityPayload = Static<typeof AvailabilityPayloadSchema>;

// [MQTT-MAP §4.5] server → gw
export const MqttCommandKindSchema = Type.Union([
  Type.Literal('keysafe_frame'),
  Type.Literal('status'),
  Type.Literal('pair'),
  Type.Literal('unpair'),
  Type.Literal('check'),
  /** Offer a signed release to the home unit [MQTT-MAP §4.5.1]; `params.version` is required. */
  Type.Literal('update'),
]);
export type MqttCommandKind = Static<typeof MqttCommandKindSchema>;
export const MqttCommandRequestSchema = closed({
  v: VersionSchema,
  transaction: TransactionSchema,
  /** Target device; the gateway id itself for gateway-level commands (status, check). */
  deviceId: DeviceIdSchema,
  kind: MqttCommandKindSchema,
  /** Server time after which the gateway must not act and answers `timeout`. */
  expiresAt: EpochMsSchema,
  /** Required for `keysafe_frame`: the server-authenticated KS-SERIAL frame, relayed unchanged. */
  frameHex: Type.Optional(hexSchema(1, MAX_RELAYED_FRAME_BYTES)),
  /** Small named arguments for non-frame commands (e.g. a pairing window in seconds). */
  params: Type.Optional(
    Type.Record(
      Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,31}$' }),
      Type.Union([Type.String({ maxLength: 128 }), Type.Number(), Type.Boolean()]),
      { maxProperties: 16 },
    ),
  ),
});
export type MqttCommandRequest = Static<typeof MqttCommandRequestSchema>;

// [MQTT-MAP §4.6] gw → server
export const MqttCommandStatusSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('refused'),
  Type.Literal('timeout'),
  Type.Literal('error'),
  Type.Literal('busy'),
]);
export type MqttCommandStatus = Static<typeof MqttCommandStatusSchema>;
export const MqttCommandResponseSchema = closed({
  v: VersionSchema,
  transaction: TransactionSchema,
  status: MqttCommandStatusSchema,
  /** Machine-readable reason, e.g. a KS-SERIAL NAK reason name or a `BAKEN_ERR_…` code. */
  reason: Type.Optional(textSchema(128)),
  /** The key safe's reply frame, relayed unchanged, for `keysafe_frame` commands. */
  responseHex: Type.Optional(hexSchema(1, MAX_RELAYED_FRAME_BYTES)),
  at: EpochMsSchema,
});
export type MqttCommandResponse = Static<typeof MqttCommandResponseSchema>;

// [MQTT-MAP §4.7] server → gw, retained
export const PendantConfigPayloadSchema = closed({
  deviceId: DeviceIdSchema,
  address: BleAddressSchema,
  format: Type.Union([Type.Literal('baken'), Type.Literal('bthome')]),
  /** SECRET: the advert key (AES-128 for BTHome, per-device key for Baken adverts). Redact. */
  keyHex: Type.Optional(hexSchema(16, 32)),
});
export const KeysafeConfigPayloadSchema = closed({
  deviceId: DeviceIdSchema,
  serial: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$', maxLength: 32 }),
  transport: Type.Union([Type.Literal('serial'), Type.Literal('ble')]),
  /** Required when transport is `serial`, e.g. `/dev/ttyUSB0` or a `/dev/serial/by-id/…` path. */
  path: Type.Optional(Type.String({ pattern: '^/[^\\u0000]{0,254}$', maxLength: 255 })),
  /** Required when transport is `ble`. */
  address: Type.Optional(BleAddressSchema),
  statusPollIntervalS: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
});
export const GatewayConfigPayloadSchema = closed({
  v: VersionSchema,
  /** Increases with every change; a gateway ignores a config older than the one it runs. */
  revision: Type.Integer({ minimum: 0 }),
  issuedAt: EpochMsSchema,
  heartbeatIntervalS: Type.Integer({ minimum: 10, maximum: 3600 }),
  pendants: Type.Array(PendantConfigPayloadSchema, { maxItems: MAX_DEVICES_PER_GATEWAY }),
  keysafes: Type.Array(KeysafeConfigPayloadSchema, { maxItems: MAX_DEVICES_PER_GATEWAY }),
});
export type GatewayConfigPayload = Static<typeof GatewayConfigPayloadSchema>;

// [MQTT-MAP §4.8] gw → server: the installation test report (REQUIREMENTS §8.5)
/** The checklist of REQUIREMENTS §8.5 by step name; a report may add further steps. */
export const CHECK_STEP_NAMES = [
  'trial_alarm_acknowledged',
  'trial_opening',
  'battery_and_mains',
  'heartbeat_signalling',
  'server_identity',
] as const;
export const CheckStepPayloadSchema = closed({
  name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', maxLength: 48 }),
  passed: Type.Boolean(),
  detail: textSchema(512),
});
export const CheckReportPayloadSchema = closed({
  v: VersionSchema,
  id: MessageIdSchema,
  at: EpochMsSchema,
  technician: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  steps: Type.Array(CheckStepPayloadSchema, { minItems: 1, maxItems: 32 }),
  /** True exactly when every step passed. */
  passed: Type.Boolean(),
});
export type CheckReportPayload = Static<typeof CheckReportPayloadSchema>;
