/**
 * Provisioning runs over HTTP, not MQTT (`POST /api/v1/provision`), but its bodies belong to the
 * same contract between home unit and server [MQTT-MAP §5].
 */
import { type Static, Type } from '@sinclair/typebox';
import { closed, GatewayIdSchema, VersionStringSchema } from './common-schemas.js';

export const ProvisionRequestSchema = closed({
  /** SECRET: the one-time enrolment token made by a technician. Redact. */
  token: Type.String({ minLength: 16, maxLength: 256, pattern: '^[A-Za-z0-9._~-]+$' }),
  /** A stable id of the home unit's hardware (e.g. the Pi's serial number). */
  hardwareId: Type.String({ minLength: 1, maxLength: 128 }),
  software: VersionStringSchema,
  /** The MQTT-MAP major the gateway speaks [MQTT-MAP §8]; absent: an older gateway, which speaks 1. */
  protocol: Type.Optional(Type.Integer({ minimum: 1, maximum: 999 })),
});
export type ProvisionRequest = Static<typeof ProvisionRequestSchema>;

export const ProvisionResponseSchema = closed({
  gatewayId: GatewayIdSchema,
  mqtt: closed({
    /** Primary first, then the secondary path; `mqtt:`, `mqtts:`, `ws:` or `wss:`. */
    urls: Type.Array(Type.String({ pattern: '^(mqtts?|wss?)://[^\\s]{1,250}$', maxLength: 256 }), {
      minItems: 1,
      maxItems: 4,
    }),
    username: Type.String({ minLength: 1, maxLength: 128 }),
    /** SECRET: the gateway's MQTT password. Redact; store readable only by the owner. */
    password: Type.String({ minLength: 16, maxLength: 256 }),
  }),
  heartbeatIntervalS: Type.Integer({ minimum: 10, maximum: 3600 }),
});
export type ProvisionResponse = Static<typeof ProvisionResponseSchema>;
