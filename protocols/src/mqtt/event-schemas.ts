/**
 * The `events` envelope [MQTT-MAP §4.1]: one schema variant per (deviceKind, kind) pair, each with
 * its own `data` schema. The union is exported for OpenAPI; validation goes through
 * `EVENT_DATA_SCHEMAS` so that errors name the failing path instead of "no union variant matched".
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  closed,
  DeviceIdSchema,
  EpochMsSchema,
  GatewayIdSchema,
  MessageIdSchema,
  NullableEpochMsSchema,
  VersionSchema,
} from './common-schemas.js';
import {
  AuditRecordsDataSchema,
  BatteryDataSchema,
  ClockReportDataSchema,
  CodeAcceptedDataSchema,
  CodeRejectedDataSchema,
  DoorOpenedDataSchema,
  EmptyDataSchema,
  GatewayStartedDataSchema,
  KeyHookDataSchema,
  LockoutStartedDataSchema,
  PendantLowBatteryDataSchema,
  PendantPressDataSchema,
  ScanRestartedDataSchema,
  TamperDataSchema,
  UpdateReportDataSchema,
} from './event-data-schemas.js';

/** The `data` schema of every event kind, per device kind [MQTT-MAP §4.1.2–4.1.5]. */
export const EVENT_DATA_SCHEMAS = {
  pendant: {
    alarm: PendantPressDataSchema,
    cancel: PendantPressDataSchema,
    fall: PendantPressDataSchema,
    test: PendantPressDataSchema,
    low_battery: PendantLowBatteryDataSchema,
    battery: BatteryDataSchema,
  },
  keysafe: {
    door_opened: DoorOpenedDataSchema,
    door_closed: EmptyDataSchema,
    door_forced: EmptyDataSchema,
    key_taken: KeyHookDataSchema,
    key_returned: KeyHookDataSchema,
    code_accepted: CodeAcceptedDataSchema,
    code_rejected: CodeRejectedDataSchema,
    lockout_started: LockoutStartedDataSchema,
    lockout_ended: EmptyDataSchema,
    tamper: TamperDataSchema,
    battery: BatteryDataSchema,
    mains_lost: EmptyDataSchema,
    mains_restored: EmptyDataSchema,
    clock_report: ClockReportDataSchema,
    audit_records: AuditRecordsDataSchema,
  },
  gateway: {
    mains_lost: EmptyDataSchema,
    mains_restored: EmptyDataSchema,
    scan_restarted: ScanRestartedDataSchema,
    started: GatewayStartedDataSchema,
    update: UpdateReportDataSchema,
  },
} as const satisfies Record<string, Record<string, TSchema>>;

type DataSchemas = typeof EVENT_DATA_SCHEMAS;
export type MqttDeviceKind = keyof DataSchemas;
export type MqttEventKindOf<D extends MqttDeviceKind> = keyof DataSchemas[D] & string;
export type MqttEventKind = { [D in MqttDeviceKind]: MqttEventKindOf<D> }[MqttDeviceKind];

export const MQTT_DEVICE_KINDS = Object.keys(EVENT_DATA_SCHEMAS) as MqttDeviceKind[];

export const MqttDeviceKindSchema = Type.Union([
  Type.Literal('pendant'),
  Type.Literal('keysafe'),
  Type.Literal('gateway'),
]);

/** `alarm` events jump every queue (outbox, ingest); see `defaultEventPriority` [MQTT-MAP §4.1.1]. */
export const EventPrioritySchema = Type.Union([Type.Literal('alarm'), Type.Literal('normal')]);
export type EventPriority = Static<typeof EventPrioritySchema>;

/** The envelope fields common to every event; `deviceKind`, `kind` and `data` vary [MQTT-MAP §4.1.1]. */
const envelopeFields = {
  v: VersionSchema,
  /** Unique per event and stable across retransmissions; the server deduplicates on it. */
  id: MessageIdSchema,
  gatewayId: GatewayIdSchema,
  /** For `deviceKind: 'gateway'` this is the gateway id itself. */
  deviceId: DeviceIdSchema,
  priority: EventPrioritySchema,
  /** The device's own clock when it has one (key safe), else null. */
  deviceTime: NullableEpochMsSchema,
  /** The home unit's clock when the event reached it. */
  receivedAt: EpochMsSchema,
  /** The device's sequence number (KS-SERIAL seq, advert counter), when it has one. */
  seq: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
  /** Sent during the installation check: stored and acknowledged, never an alarm [MQTT-MAP §4.1.1]. */
  trial: Type.Optional(Type.Literal(true)),
};

/** The envelope with `data` left open: the first validation stage [MQTT-MAP §4.1.1]. */
export const EventEnvelopeBaseSchema = closed({
  ...envelopeFields,
  deviceKind: MqttDeviceKindSchema,
  kind: Type.String({ pattern: '^[a-z][a-z_]{0,31}$', maxLength: 32 }),
  data: Type.Unknown(),
});

const variant = <D extends string, K extends string, S extends TSchema>(deviceKind: D, kind: K, data: S) =>
  closed({ ...envelopeFields, deviceKind: Type.Literal(deviceKind), kind: Type.Literal(kind), data });

const variantsOf = <D extends MqttDeviceKind>(deviceKind: D) =>
  Object.entries(EVENT_DATA_SCHEMAS[deviceKind]).map(([kind, data]) => variant(deviceKind, kind, data));

/** The full event envelope as one JSON schema (OpenAPI, documentation) [MQTT-MAP §4.1]. */
export const EventEnvelopeSchema = Type.Union(
  [...variantsOf('pendant'), ...variantsOf('keysafe'), ...variantsOf('gateway')],
  { $id: 'BakenEventEnvelopeV1' },
);

const EnvelopeCommonSchema = closed(envelopeFields);
type Common = Static<typeof EnvelopeCommonSchema>;
type DataOf<D extends MqttDeviceKind, K extends MqttEventKindOf<D>> = DataSchemas[D][K] extends TSchema
  ? Static<DataSchemas[D][K]>
  : never;

/** One event as it travels on `baken/v1/gw/{gatewayId}/events`, discriminated by deviceKind + kind. */
export type EventEnvelope = {
  [D in MqttDeviceKind]: {
    [K in MqttEventKindOf<D>]: Common & { deviceKind: D; kind: K; data: DataOf<D, K> };
  }[MqttEventKindOf<D>];
}[MqttDeviceKind];

/** The data type of one (deviceKind, kind) pair, e.g. `MqttEventData<'keysafe', 'code_accepted'>`. */
export type MqttEventData<D extends MqttDeviceKind, K extends MqttEventKindOf<D>> = DataOf<D, K>;

/** Kinds that are `alarm` priority unless the sender knows better [MQTT-MAP §4.1.1]. */
const ALARM_KINDS: ReadonlySet<string> = new Set([
  'pendant/alarm',
  'pendant/cancel',
  'pendant/fall',
  'keysafe/door_forced',
  'keysafe/tamper',
]);

/**
 * The priority a gateway should give an event. Receivers never reject an event for its priority:
 * a mislabelled alarm must still arrive [MQTT-MAP §4.1.1].
 */
export const defaultEventPriority = (deviceKind: MqttDeviceKind, kind: string): EventPriority =>
  ALARM_KINDS.has(`${deviceKind}/${kind}`) ? 'alarm' : 'normal';

/** The data schema for a pair, or undefined when the device kind has no such event kind. */
export const eventDataSchemaFor = (deviceKind: MqttDeviceKind, kind: string): TSchema | undefined =>
  Object.hasOwn(EVENT_DATA_SCHEMAS[deviceKind], kind)
    ? (EVENT_DATA_SCHEMAS[deviceKind] as Record<string, TSchema>)[kind]
    : undefined;
