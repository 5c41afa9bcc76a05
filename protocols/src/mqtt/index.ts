// Public surface of the MQTT topic map [MQTT-MAP]; see SPEC.md beside this file. Internal helpers
// (schema builders) stay unexported: the `@baken/protocols` namespace is shared.
export {
  availabilityWill,
  type DecodedMqttMessage,
  decodeMqttMessage,
  encodeMqttPayload,
  type MqttWill,
} from './codec.js';
export {
  DeviceIdSchema,
  EpochMsSchema,
  GATEWAY_ID_PATTERN,
  GatewayIdSchema,
  MessageIdSchema,
  MQTT_MAX_PAYLOAD_BYTES,
  MQTT_PAYLOAD_VERSION,
  TransactionSchema,
} from './common-schemas.js';
export * from './compatibility.js';
export { MAX_AUDIT_RECORDS_PER_EVENT } from './event-data-schemas.js';
export * from './event-schemas.js';
export * from './examples.js';
export * from './payload-schemas.js';
export * from './provisioning-schemas.js';
export * from './secrets.js';
export * from './topics.js';
export {
  TOPIC_SCHEMAS,
  type TopicPayloads,
  type UnknownProperties,
  type ValidateOptions,
  validatePayload,
  validateProvisionRequest,
  validateProvisionResponse,
} from './validate.js';
