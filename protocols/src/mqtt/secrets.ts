/**
 * Where secrets sit in the payloads of this map [MQTT-MAP §6], so loggers can redact them.
 */

/** Paths (pino `redact` syntax) of secret fields, per payload. */
export const MQTT_SECRET_PATHS = {
  config: ['pendants[*].keyHex'],
  provisionRequest: ['token'],
  provisionResponse: ['mqtt.password'],
} as const;

/**
 * Every secret path for a logger that logs payloads under a key such as `payload` or `body`:
 * e.g. `redactPathsUnder('payload')` → `['payload.pendants[*].keyHex', 'payload.token', …]`.
 */
export const redactPathsUnder = (key: string): string[] =>
  Object.values(MQTT_SECRET_PATHS)
    .flat()
    .map((path) => `${key}.${path}`);
