/**
 * Payload validation for every topic [MQTT-MAP §2]: total (never throws), typed result, the first
 * failing JSON path named in the error.
 */
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { fail, ok, type ProtocolError, type Result } from '../errors.js';
import { MQTT_PAYLOAD_VERSION } from './common-schemas.js';
import {
  EVENT_DATA_SCHEMAS,
  type EventEnvelope,
  EventEnvelopeBaseSchema,
  MQTT_DEVICE_KINDS,
  type MqttDeviceKind,
} from './event-schemas.js';
import {
  type AckPayload,
  AckPayloadSchema,
  type AvailabilityPayload,
  AvailabilityPayloadSchema,
  type CheckReportPayload,
  CheckReportPayloadSchema,
  type GatewayConfigPayload,
  GatewayConfigPayloadSchema,
  type HeartbeatPayload,
  HeartbeatPayloadSchema,
  type MqttCommandRequest,
  MqttCommandRequestSchema,
  type MqttCommandResponse,
  MqttCommandResponseSchema,
} from './payload-schemas.js';
import {
  type ProvisionRequest,
  ProvisionRequestSchema,
  type ProvisionResponse,
  ProvisionResponseSchema,
} from './provisioning-schemas.js';
import { strictSchema } from './strict-schema.js';
import type { TopicName } from './topics.js';

/** The payload type of every topic [MQTT-MAP §4]. */
export interface TopicPayloads {
  events: EventEnvelope;
  ack: AckPayload;
  heartbeat: HeartbeatPayload;
  availability: AvailabilityPayload;
  'cmd/req': MqttCommandRequest;
  'cmd/res': MqttCommandResponse;
  config: GatewayConfigPayload;
  check: CheckReportPayload;
}

/** The JSON schema of every topic; `events` is the full union (see event-schemas.ts). */
export const TOPIC_SCHEMAS = {
  events: EventEnvelopeBaseSchema,
  ack: AckPayloadSchema,
  heartbeat: HeartbeatPayloadSchema,
  availability: AvailabilityPayloadSchema,
  'cmd/req': MqttCommandRequestSchema,
  'cmd/res': MqttCommandResponseSchema,
  config: GatewayConfigPayloadSchema,
  check: CheckReportPayloadSchema,
} as const satisfies Record<TopicName, TSchema>;

/**
 * What to do with properties a schema does not know [MQTT-MAP §2.5]: receivers `strip` them (a newer
 * v1 sender may add optional fields), senders `reject` them (catches our own typos).
 */
export type UnknownProperties = 'strip' | 'reject';
export interface ValidateOptions {
  readonly unknownProperties?: UnknownProperties;
}

interface Compiled {
  readonly schema: TSchema;
  readonly check: TypeCheck<TSchema>;
  /** Accepts exactly the valid values with nothing to strip (`strict-schema.ts`); null: none. */
  readonly strict: TypeCheck<TSchema> | null;
}
const compile = (schema: TSchema): Compiled => {
  const strict = strictSchema(schema);
  return {
    schema,
    check: TypeCompiler.Compile(schema),
    strict: strict === null ? null : TypeCompiler.Compile(strict),
  };
};

const topicCheckers = Object.fromEntries(
  Object.entries(TOPIC_SCHEMAS).map(([name, schema]) => [name, compile(schema)]),
) as Record<TopicName, Compiled>;

const dataCheckers = new Map<string, Compiled>();
for (const deviceKind of MQTT_DEVICE_KINDS) {
  for (const [kind, schema] of Object.entries(EVENT_DATA_SCHEMAS[deviceKind])) {
    dataCheckers.set(`${deviceKind}/${kind}`, compile(schema));
  }
}

const schemaError = (path: string, message: string): { ok: false; error: ProtocolError } =>
  fail('BAKEN_ERR_PAYLOAD_SCHEMA', `${path === '' ? '(root)' : path}: ${message}`, { path });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Cleans (when stripping) and checks `value` in place; the error names the path under `base`. */
const checkWith = (
  compiled: Compiled,
  value: unknown,
  mode: UnknownProperties,
  base: string,
): { ok: false; error: ProtocolError } | undefined => {
  // the common case: nothing to strip and valid, one compiled check [MQTT-MAP §2.5]
  if (mode === 'strip' && compiled.strict?.Check(value)) return undefined;
  const cleaned = mode === 'strip' ? Value.Clean(compiled.schema, value) : value;
  if (compiled.check.Check(cleaned)) return undefined;
  const first = compiled.check.Errors(cleaned).First();
  return schemaError(base + (first?.path ?? ''), first?.message ?? 'does not match the schema');
};

/** Cross-field rules JSON Schema does not express [MQTT-MAP §4.5, §4.7, §4.8]. */
const refine = (
  name: TopicName,
  value: Record<string, unknown>,
): { ok: false; error: ProtocolError } | undefined => {
  if (name === 'cmd/req') {
    const req = value as MqttCommandRequest;
    if (req.kind === 'keysafe_frame' && req.frameHex === undefined) {
      return schemaError('/frameHex', 'required for kind keysafe_frame');
    }
    if (req.kind === 'update' && typeof req.params?.['version'] !== 'string') {
      return schemaError('/params/version', 'required for kind update');
    }
  } else if (name === 'config') {
    const config = value as GatewayConfigPayload;
    for (const [i, ks] of config.keysafes.entries()) {
      if (ks.transport === 'serial' && ks.path === undefined) {
        return schemaError(`/keysafes/${i}/path`, 'required for transport serial');
      }
      if (ks.transport === 'ble' && ks.address === undefined) {
        return schemaError(`/keysafes/${i}/address`, 'required for transport ble');
      }
    }
  } else if (name === 'check') {
    const report = value as CheckReportPayload;
    if (report.passed !== report.steps.every((s) => s.passed)) {
      return schemaError('/passed', 'must be true exactly when every step passed');
    }
  }
  return undefined;
};

/** Validates a value this module owns (may be mutated by stripping). */
export const validateOwned = <N extends TopicName>(
  name: N,
  value: unknown,
  mode: UnknownProperties,
): Result<TopicPayloads[N]> => {
  try {
    if (!isRecord(value)) return schemaError('', 'expected a JSON object');
    if (Object.hasOwn(value, 'v') && value['v'] !== MQTT_PAYLOAD_VERSION) {
      const v = value['v'];
      return fail('BAKEN_ERR_PAYLOAD_VERSION', `unsupported payload version (this side speaks v1)`, {
        v: typeof v === 'number' || typeof v === 'string' ? v : typeof v,
      });
    }
    const compiled = topicCheckers[name];
    const envelopeError = checkWith(compiled, value, mode, '');
    if (envelopeError) return envelopeError;
    if (name === 'events') {
      const deviceKind = value['deviceKind'] as MqttDeviceKind;
      const kind = value['kind'] as string;
      const data = dataCheckers.get(`${deviceKind}/${kind}`);
      if (data === undefined) return schemaError('/kind', `no ${deviceKind} event has kind ${kind}`);
      const dataError = checkWith(data, value['data'], mode, '/data');
      if (dataError) return dataError;
    }
    const refined = refine(name, value);
    if (refined) return refined;
    return ok(value as unknown as TopicPayloads[N]);
  } catch {
    // Only a hostile caller-made object (throwing getter, proxy) can get here.
    return schemaError('', 'value could not be inspected');
  }
};

/**
 * Validates `input` as the payload of topic `name`. Never throws and never mutates `input`; the
 * value returned is a copy, stripped of unknown properties unless `unknownProperties: 'reject'`.
 */
export const validatePayload = <N extends TopicName>(
  name: N,
  input: unknown,
  options: ValidateOptions = {},
): Result<TopicPayloads[N]> => {
  let copy: unknown;
  try {
    copy = Value.Clone(input);
  } catch {
    return schemaError('', 'value could not be copied');
  }
  return validateOwned(name, copy, options.unknownProperties ?? 'strip');
};

const provisionRequestChecker = compile(ProvisionRequestSchema);
const provisionResponseChecker = compile(ProvisionResponseSchema);

const validateWith = <T>(compiled: Compiled, input: unknown, options: ValidateOptions): Result<T> => {
  try {
    const copy = Value.Clone(input);
    const error = checkWith(compiled, copy, options.unknownProperties ?? 'strip', '');
    return error ?? ok(copy as T);
  } catch {
    return schemaError('', 'value could not be inspected');
  }
};

/** Validates the body of `POST /api/v1/provision` [MQTT-MAP §5]. Never throws. */
export const validateProvisionRequest = (input: unknown, options: ValidateOptions = {}) =>
  validateWith<ProvisionRequest>(provisionRequestChecker, input, options);

/** Validates the provisioning answer on the gateway side [MQTT-MAP §5]. Never throws. */
export const validateProvisionResponse = (input: unknown, options: ValidateOptions = {}) =>
  validateWith<ProvisionResponse>(provisionResponseChecker, input, options);
