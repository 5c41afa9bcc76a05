/**
 * Shared building blocks of the MQTT topic map [MQTT-MAP §3]. Every string and array is bounded so a
 * hostile payload cannot make a receiver allocate without limit [MQTT-MAP §2.4].
 */
import { type TSchema, Type } from '@sinclair/typebox';

/** The payload format version carried as `v` in every MQTT payload [MQTT-MAP §2.2]. */
export const MQTT_PAYLOAD_VERSION = 1 as const;

/** Largest payload a receiver accepts, in bytes, checked before JSON parsing [MQTT-MAP §2.4]. */
export const MQTT_MAX_PAYLOAD_BYTES = 256 * 1024;

/** `^[a-z0-9][a-z0-9-]{2,39}$`: safe inside a topic level, a file name and a URL path [MQTT-MAP §1]. */
export const GATEWAY_ID_PATTERN = '^[a-z0-9][a-z0-9-]{2,39}$';

/** Milliseconds since the Unix epoch; bounded to the year 9999 so it stays an exact integer. */
export const EpochMsSchema = Type.Integer({ minimum: 0, maximum: 253_402_300_799_999 });
export const NullableEpochMsSchema = Type.Union([EpochMsSchema, Type.Null()]);

export const VersionSchema = Type.Literal(MQTT_PAYLOAD_VERSION);

export const GatewayIdSchema = Type.String({ pattern: GATEWAY_ID_PATTERN, maxLength: 40 });

/** A device id as registered on the server: a serial number, a MAC-like address or a slug. */
export const DeviceIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$', maxLength: 64 });

/** A message id unique per sender (ULID or UUID recommended) [MQTT-MAP §2.3]. */
export const MessageIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$', maxLength: 64 });

/** A request/response correlation id, echoed unchanged in `cmd/res` [MQTT-MAP §4.5]. */
export const TransactionSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', maxLength: 64 });

/** Lower-case hex of whole bytes, at most `maxBytes` bytes. */
export const hexSchema = (minBytes: number, maxBytes: number) =>
  Type.String({
    pattern: `^(?:[0-9a-f]{2}){${minBytes},${maxBytes}}$`,
    minLength: minBytes * 2,
    maxLength: maxBytes * 2,
  });

/** A BLE device address `AA:BB:CC:DD:EE:FF` (either case). */
export const BleAddressSchema = Type.String({
  pattern: '^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$',
  maxLength: 17,
});

/** Free text for people (reasons, details): bounded, single field. */
export const textSchema = (maxLength: number) => Type.String({ maxLength });

/** A software / firmware version string such as `1.4.2` or `baken-gateway 0.3.0+abc`. */
export const VersionStringSchema = Type.String({ minLength: 1, maxLength: 64 });

export const PercentSchema = Type.Integer({ minimum: 0, maximum: 100 });
export const NullablePercentSchema = Type.Union([PercentSchema, Type.Null()]);

/** Received signal strength in dBm. */
export const RssiSchema = Type.Integer({ minimum: -127, maximum: 20 });

/** A closed object: unknown properties are rejected when encoding (see [MQTT-MAP §2.5]). */
export const closed = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Object(properties, { additionalProperties: false });
