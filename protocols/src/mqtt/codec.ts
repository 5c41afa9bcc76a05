/**
 * MQTT message encoding and decoding [MQTT-MAP §2]: topic + bytes in, typed payload or typed error
 * out. `decodeMqttMessage` never throws on any input.
 */
import { fail, ok, type Result } from '../errors.js';
import { MQTT_MAX_PAYLOAD_BYTES, MQTT_PAYLOAD_VERSION } from './common-schemas.js';
import type { AvailabilityPayload } from './payload-schemas.js';
import { parseTopic, TOPIC_META, type TopicName, topicFor } from './topics.js';
import { type TopicPayloads, type ValidateOptions, validateOwned } from './validate.js';

/** A decoded message, discriminated by topic name. */
export type DecodedMqttMessage = {
  [N in TopicName]: { readonly name: N; readonly gatewayId: string; readonly payload: TopicPayloads[N] };
}[TopicName];

const utf8 = new TextDecoder('utf-8', { fatal: true });

const payloadText = (payload: Uint8Array | string): Result<string> => {
  if (typeof payload === 'string') {
    // UTF-16 length never exceeds the UTF-8 byte length, so this bound is never looser than bytes.
    if (payload.length > MQTT_MAX_PAYLOAD_BYTES) {
      return fail('BAKEN_ERR_PAYLOAD_TOO_LARGE', 'payload too large', { length: payload.length });
    }
    return ok(payload);
  }
  if (!(payload instanceof Uint8Array)) return fail('BAKEN_ERR_PAYLOAD_JSON', 'payload is not bytes', {});
  if (payload.byteLength > MQTT_MAX_PAYLOAD_BYTES) {
    return fail('BAKEN_ERR_PAYLOAD_TOO_LARGE', 'payload too large', { length: payload.byteLength });
  }
  try {
    return ok(utf8.decode(payload));
  } catch {
    return fail('BAKEN_ERR_PAYLOAD_JSON', 'payload is not valid UTF-8', {});
  }
};

/** Topics whose payload repeats the gateway id; it must equal the topic's [MQTT-MAP §2.6]. */
const carriesGatewayId = (name: TopicName): boolean => name === 'events' || name === 'heartbeat';

/**
 * Decodes one MQTT message. Errors: `BAKEN_ERR_TOPIC_UNKNOWN`, `BAKEN_ERR_PAYLOAD_EMPTY` (a cleared
 * retained message), `BAKEN_ERR_PAYLOAD_TOO_LARGE`, `BAKEN_ERR_PAYLOAD_JSON`,
 * `BAKEN_ERR_PAYLOAD_VERSION`, `BAKEN_ERR_PAYLOAD_SCHEMA`, `BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH`.
 * Unknown properties are stripped unless `unknownProperties: 'reject'` [MQTT-MAP §2.5].
 */
export const decodeMqttMessage = (
  topic: string,
  payload: Uint8Array | string,
  options: ValidateOptions = {},
): Result<DecodedMqttMessage> => {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return parsed;
  const { name, gatewayId } = parsed.value;
  const text = payloadText(payload);
  if (!text.ok) return text;
  if (text.value.length === 0) {
    return fail('BAKEN_ERR_PAYLOAD_EMPTY', 'empty payload (a cleared retained message)', { name });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch {
    return fail('BAKEN_ERR_PAYLOAD_JSON', 'payload is not JSON', { name });
  }
  const valid = validateOwned(name, json, options.unknownProperties ?? 'strip');
  if (!valid.ok) return valid;
  if (carriesGatewayId(name) && (valid.value as { gatewayId: string }).gatewayId !== gatewayId) {
    return fail('BAKEN_ERR_PAYLOAD_GATEWAY_MISMATCH', 'payload gatewayId differs from the topic', {
      path: '/gatewayId',
    });
  }
  return ok({ name, gatewayId, payload: valid.value } as DecodedMqttMessage);
};

/**
 * Serialises a payload for topic `name` after validating it strictly (unknown properties rejected).
 * Throws the `ProtocolError` on an invalid value: that is a bug in the caller, not bad input.
 */
export const encodeMqttPayload = <N extends TopicName>(name: N, value: TopicPayloads[N]): string => {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch {
    copy = undefined;
  }
  const valid = validateOwned(name, copy, 'reject');
  if (!valid.ok) throw valid.error;
  return JSON.stringify(valid.value);
};

export interface MqttWill {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 1;
  readonly retain: true;
}

/**
 * The last will a gateway registers at connect time [MQTT-MAP §4.4]: `offline` with `at: null`,
 * since the will's payload is fixed before the connection is lost. Throws on a malformed id.
 */
export const availabilityWill = (gatewayId: string): MqttWill => {
  const payload: AvailabilityPayload = { v: MQTT_PAYLOAD_VERSION, state: 'offline', at: null };
  return {
    topic: topicFor('availability', gatewayId),
    payload: JSON.stringify(payload),
    qos: TOPIC_META.availability.qos as 1,
    retain: true,
  };
};
